namespace Grid;

/// <summary>
/// A silo refused a request because a limit on concurrent work was reached (this client's requests running and
/// waiting on the silo, or the silo's pattern scans); the message names the limit. Nothing of the refused request ran
/// (for a pattern invalidation: nothing on the refusing silo), so it may be sent again later. Other clients are not
/// affected by this client's load.
/// </summary>
[GenerateSerializer, Alias("grid.GridBusyException")]
public sealed class GridBusyException : GridException
{
    /// <summary>Creates the exception.</summary>
    public GridBusyException(string message) : base(message) { }
}
