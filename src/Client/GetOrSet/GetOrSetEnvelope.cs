using System.Buffers.Binary;

namespace Grid.Client.GetOrSet;

/// <summary>
/// The header GetOrSet entries written with fail-safe or refresh-ahead carry: a marker, the logical expiry (unix ms,
/// 0 = none) and, with refresh-ahead, the time from which a read starts a refresh (unix ms); then the payload. With
/// fail-safe the grid keeps the entry longer (logical time to live + fail-safe window), so a stale value is still there
/// when needed; with refresh-ahead, readers know when the value is due for its refresh without a second round trip.
/// </summary>
internal static class GetOrSetEnvelope
{
    /// <summary>Format 1 (fail-safe only): marker and logical expiry. Still read, so entries written before refresh-ahead keep working.</summary>
    private const int ExpiryHeaderSize = 11;

    /// <summary>Format 2: marker, logical expiry and refresh time.</summary>
    private const int RefreshHeaderSize = 19;

    private static ReadOnlySpan<byte> ExpiryMarker => [0xF5, (byte)'G', 1];

    private static ReadOnlySpan<byte> RefreshMarker => [0xF5, (byte)'G', 2];

    /// <summary>The payload behind a header; <paramref name="refreshAtMs"/> 0 writes format 1.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> payload, long logicalExpiresAtMs, long refreshAtMs)
    {
        int headerSize = refreshAtMs == 0 ? ExpiryHeaderSize : RefreshHeaderSize;
        var bytes = new byte[headerSize + payload.Length];
        (refreshAtMs == 0 ? ExpiryMarker : RefreshMarker).CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(3), logicalExpiresAtMs);
        if (refreshAtMs != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(ExpiryHeaderSize), refreshAtMs);
        }

        payload.CopyTo(bytes.AsSpan(headerSize));
        return bytes;
    }

    /// <summary>Whether <paramref name="stored"/> starts with one of the envelope's headers.</summary>
    public static bool IsWrapped(ReadOnlySpan<byte> stored) => HeaderSizeOf(stored) != 0;

    /// <summary>Splits stored bytes into payload, logical expiry and refresh time; bytes without a header are a payload that never goes stale.</summary>
    public static ReadOnlyMemory<byte> Unwrap(byte[] stored, out long logicalExpiresAtMs, out long refreshAtMs)
    {
        int headerSize = HeaderSizeOf(stored);
        if (headerSize == RefreshHeaderSize)
        {
            logicalExpiresAtMs = BinaryPrimitives.ReadInt64LittleEndian(stored.AsSpan(3));
            refreshAtMs = BinaryPrimitives.ReadInt64LittleEndian(stored.AsSpan(ExpiryHeaderSize));
            return stored.AsMemory(RefreshHeaderSize);
        }

        refreshAtMs = 0;
        if (headerSize == ExpiryHeaderSize)
        {
            logicalExpiresAtMs = BinaryPrimitives.ReadInt64LittleEndian(stored.AsSpan(3));
            return stored.AsMemory(ExpiryHeaderSize);
        }

        logicalExpiresAtMs = 0;
        return stored;
    }

    /// <summary>The size of the header <paramref name="stored"/> starts with, or 0 when it has none.</summary>
    private static int HeaderSizeOf(ReadOnlySpan<byte> stored) =>
        stored.Length >= RefreshHeaderSize && stored[..3].SequenceEqual(RefreshMarker) ? RefreshHeaderSize
        : stored.Length >= ExpiryHeaderSize && stored[..3].SequenceEqual(ExpiryMarker) ? ExpiryHeaderSize
        : 0;
}
