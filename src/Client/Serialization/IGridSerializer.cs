namespace Grid.Client;

/// <summary>Turns typed values into the bytes the grid stores, and back. Register your own to replace System.Text.Json.</summary>
public interface IGridSerializer
{
    /// <summary>Serializes <paramref name="value"/>.</summary>
    /// <typeparam name="T">The declared type.</typeparam>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value written by <see cref="Serialize{T}"/>.</summary>
    /// <typeparam name="T">The declared type.</typeparam>
    T? Deserialize<T>(ReadOnlySpan<byte> bytes);
}
