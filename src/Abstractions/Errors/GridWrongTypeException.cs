namespace Grid;

/// <summary>
/// The operation does not apply to the type of value held at the key (for example a list push on a string, or an
/// increment of a value that is not a 64-bit integer). Nothing was changed.
/// </summary>
public sealed class GridWrongTypeException : GridException
{
    /// <summary>Creates the exception.</summary>
    public GridWrongTypeException(string key, string message) : base(message) => Key = key;

    /// <summary>The key the operation was for.</summary>
    public string Key { get; }
}
