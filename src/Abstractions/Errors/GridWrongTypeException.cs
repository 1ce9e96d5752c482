namespace Grid;

/// <summary>
/// The operation does not apply to the type of value held at the key (for example a list push on a string, or an
/// increment of a value that is not a 64-bit integer). Nothing was changed.
/// </summary>
[GenerateSerializer, Alias("grid.GridWrongTypeException")]
public sealed class GridWrongTypeException : GridException
{
    /// <summary>Creates the exception.</summary>
    public GridWrongTypeException(string key, string message, GridValueType actualType = GridValueType.None) : base(message)
    {
        Key = key;
        ActualType = actualType;
    }

    /// <summary>The key the operation was for.</summary>
    [Id(0)]
    public string Key { get; }

    /// <summary>The type of value the key holds (<see cref="GridValueType.String"/> also when a string is not an integer), or None when unknown.</summary>
    [Id(1)]
    public GridValueType ActualType { get; }
}
