using System.Buffers.Binary;

namespace Grid.Client.GetOrSet;

/// <summary>
/// The header fail-safe entries carry: a marker and the logical expiry (unix ms, 0 = none), then the payload. The grid
/// keeps the entry longer (logical time to live + fail-safe window), so a stale value is still there when needed.
/// </summary>
internal static class FailSafeEnvelope
{
    private const int HeaderSize = 11;
    private static ReadOnlySpan<byte> Marker => [0xF5, (byte)'G', 1];

    public static byte[] Wrap(ReadOnlySpan<byte> payload, long logicalExpiresAtMs)
    {
        var bytes = new byte[HeaderSize + payload.Length];
        Marker.CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(3), logicalExpiresAtMs);
        payload.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    /// <summary>Splits stored bytes into payload and logical expiry; bytes without the header are a payload that never goes stale.</summary>
    public static ReadOnlyMemory<byte> Unwrap(byte[] stored, out long logicalExpiresAtMs)
    {
        if (stored.Length >= HeaderSize && stored.AsSpan(0, 3).SequenceEqual(Marker))
        {
            logicalExpiresAtMs = BinaryPrimitives.ReadInt64LittleEndian(stored.AsSpan(3));
            return stored.AsMemory(HeaderSize);
        }

        logicalExpiresAtMs = 0;
        return stored;
    }
}
