namespace Grid.Grains.Replication;

/// <summary>
/// A partition could not learn whether an active silo holds a newer replica of it, so it did not activate (coming back
/// with older entries, or none, would lose acknowledged writes). The ops that asked for it are sent again by their
/// clients, and the next activation asks again. Not a <c>GridException</c>: to the entry grain that called the
/// partition it is a failed call whose ops surely did not run (see <c>RemoteCallFailure</c>).
/// </summary>
internal sealed class ReplicaRecoveryException : Exception
{
    public ReplicaRecoveryException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
