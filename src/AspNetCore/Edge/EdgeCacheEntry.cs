using Microsoft.Extensions.Primitives;

namespace Grid.AspNetCore.Edge;

/// <summary>
/// A response as the edge cache stores it: status, headers (without per-connection ones and without
/// <c>Set-Cookie</c>), body and the time it was stored. Layout: 'E', version 1, creation ticks (UTC), status, header
/// count, each header as name, value count and values (BinaryWriter strings), body length and body.
/// </summary>
internal sealed class EdgeCacheEntry
{
    private const byte Magic = (byte)'E';
    private const byte Version = 1;

    /// <summary>Headers that describe one transmission or one client, never a cached representation.</summary>
    private static readonly HashSet<string> NotStored = new(StringComparer.OrdinalIgnoreCase)
    {
        "Set-Cookie", "Date", "Server", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Age",
        EdgeHeaders.XCache, EdgeHeaders.XCacheInstance, "Upgrade", "Proxy-Connection", "Trailer",
    };

    public EdgeCacheEntry(DateTimeOffset created, int statusCode, IReadOnlyList<KeyValuePair<string, string?[]>> headers, ReadOnlyMemory<byte> body)
    {
        Created = created;
        StatusCode = statusCode;
        Headers = headers;
        Body = body;
    }

    public DateTimeOffset Created { get; }

    public int StatusCode { get; }

    public IReadOnlyList<KeyValuePair<string, string?[]>> Headers { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The stored <c>ETag</c>, if any.</summary>
    public string? ETag => Headers.FirstOrDefault(h => string.Equals(h.Key, "ETag", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    /// <summary>The headers of a response that may be stored.</summary>
    public static List<KeyValuePair<string, string?[]>> StorableHeaders(IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        var result = new List<KeyValuePair<string, string?[]>>();
        foreach (var (name, values) in headers)
        {
            if (!NotStored.Contains(name))
            {
                result.Add(new(name, values.ToArray()));
            }
        }

        return result;
    }

    public byte[] Serialize()
    {
        using var stream = new MemoryStream(Body.Length + 256);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(Created.UtcTicks);
            writer.Write((short)StatusCode);
            writer.Write7BitEncodedInt(Headers.Count);
            foreach (var (name, values) in Headers)
            {
                writer.Write(name);
                writer.Write7BitEncodedInt(values.Length);
                foreach (var value in values)
                {
                    writer.Write(value ?? "");
                }
            }

            writer.Write7BitEncodedInt(Body.Length);
            writer.Write(Body.Span);
        }

        return stream.ToArray();
    }

    /// <summary>Reads a stored entry; null when the bytes are not one (another format, truncated, corrupt).</summary>
    public static EdgeCacheEntry? TryDeserialize(byte[] bytes)
    {
        if (bytes.Length < 12 || bytes[0] != Magic || bytes[1] != Version)
        {
            return null;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
            reader.ReadBytes(2);
            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            int status = reader.ReadInt16();
            int count = reader.Read7BitEncodedInt();
            if (count is < 0 or > 1024)
            {
                return null;
            }

            var headers = new List<KeyValuePair<string, string?[]>>(count);
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                int valueCount = reader.Read7BitEncodedInt();
                if (valueCount is < 0 or > 1024)
                {
                    return null;
                }

                var values = new string?[valueCount];
                for (int j = 0; j < valueCount; j++)
                {
                    values[j] = reader.ReadString();
                }

                headers.Add(new(name, values));
            }

            int length = reader.Read7BitEncodedInt();
            int offset = (int)reader.BaseStream.Position;
            if (length < 0 || offset + length != bytes.Length)
            {
                return null;
            }

            return new EdgeCacheEntry(created, status, headers, bytes.AsMemory(offset, length));
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException or ArgumentException)
        {
            return null;
        }
    }
}
