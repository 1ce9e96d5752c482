namespace Grid;

/// <summary>
/// An operation did not complete within its deadline (<c>GridClientOptions.OperationTimeout</c>, or the per-call
/// override). A read simply has no answer; a write may or may not have been applied. The message says how long the
/// operation waited and what it was waiting for.
/// </summary>
[GenerateSerializer, Alias("grid.GridTimeoutException")]
public sealed class GridTimeoutException : GridException
{
    /// <summary>Creates the exception.</summary>
    public GridTimeoutException(string message, Exception? innerException = null) : base(message, innerException) { }
}
