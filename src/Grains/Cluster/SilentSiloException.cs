namespace Grid.Grains.Cluster;

/// <summary>
/// A partition could not learn whether an active silo holds newer state of it (a replica, a snapshot file), so it did not
/// activate: coming back with older entries, or none, would lose acknowledged writes or bring back removed ones. The ops
/// that asked for it are sent again by their clients, and the next activation asks again. Not a <c>GridException</c>: to
/// the entry grain that called the partition it is a failed call whose ops surely did not run (see
/// <c>RemoteCallFailure</c>).
/// </summary>
internal sealed class SilentSiloException : Exception
{
    public SilentSiloException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
