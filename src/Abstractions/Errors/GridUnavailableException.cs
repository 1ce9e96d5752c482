namespace Grid;

/// <summary>The grid could not be reached, or could not run the operation (for example no silo is up); the operation may or may not have run.</summary>
[GenerateSerializer, Alias("grid.GridUnavailableException")]
public sealed class GridUnavailableException : GridException
{
    /// <summary>Creates the exception.</summary>
    public GridUnavailableException(string message, Exception? innerException = null) : base(message, innerException) { }
}
