namespace Grid;

/// <summary>The base of every error the grid itself reports (bad input reports <see cref="ArgumentException"/> instead).</summary>
[GenerateSerializer, Alias("grid.GridException")]
public class GridException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GridException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public GridException(string message, Exception? innerException) : base(message, innerException) { }
}
