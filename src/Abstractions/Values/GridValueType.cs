namespace Grid;

/// <summary>The type of the value held at a key. Wire contract: never renumber.</summary>
public enum GridValueType : byte
{
    /// <summary>No such key.</summary>
    None = 0,
    /// <summary>Bytes (strings, serialized objects).</summary>
    String = 1,
    /// <summary>A 64-bit signed counter.</summary>
    Counter = 2,
    /// <summary>A hash of fields to byte values.</summary>
    Hash = 3,
    /// <summary>A list of byte values.</summary>
    List = 4,
}
