using System.Text.Json;

namespace Grid.Client;

/// <summary>The default <see cref="IGridSerializer"/>: UTF-8 JSON through System.Text.Json.</summary>
/// <param name="options">Serializer options; <see cref="JsonSerializerOptions.Web"/> when null.</param>
public sealed class SystemTextJsonGridSerializer(JsonSerializerOptions? options = null) : IGridSerializer
{
    private readonly JsonSerializerOptions _options = options ?? JsonSerializerOptions.Web;

    /// <inheritdoc />
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    /// <inheritdoc />
    public T? Deserialize<T>(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<T>(bytes, _options);
}
