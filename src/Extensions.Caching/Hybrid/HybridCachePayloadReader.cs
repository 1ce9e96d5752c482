using System.Buffers.Binary;
using System.Text;

namespace Grid.Extensions.Caching.Hybrid;

/// <summary>
/// Reads what HybridCache (Microsoft.Extensions.Caching.Hybrid) writes to its L2: the tags inside an entry's payload,
/// and its tag-invalidation records. Format of an entry (v1, and v2 which adds a local-size varint when flag 1 is set):
/// 2 bytes sentinel 0x03 + version, 2 bytes entropy, 8 bytes creation ticks, then varints flags, payload size,
/// duration, (local size), tag count, the key (varint length + UTF-8), each tag (the same), the payload, and the
/// sentinel again; nothing may follow. Anything else is not a HybridCache entry (or a format this reader does not
/// know) and has no tags: it is read defensively and never throws.
/// </summary>
internal static class HybridCachePayloadReader
{
    /// <summary>The key prefix under which HybridCache records <c>RemoveByTagAsync</c> (an 8-byte little-endian timestamp).</summary>
    public const string TagInvalidationKeyPrefix = "__MSFT_HCT__";

    /// <summary>The tag HybridCache reserves for "every entry" (<c>RemoveByTagAsync("*")</c>).</summary>
    public const string WildcardTag = "*";

    private const byte Sentinel = 0x03;
    private const byte Version1 = 0x01;
    private const byte Version2 = 0x02;
    private const ulong HasLocalSize = 1;
    private const int FixedHeaderBytes = 12;
    private const int MaxTags = 4096;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// When <paramref name="key"/> and <paramref name="value"/> are a HybridCache tag-invalidation record, gives the
    /// tag (<see cref="WildcardTag"/> for "everything").
    /// </summary>
    public static bool TryReadTagInvalidation(string key, ReadOnlySpan<byte> value, out string tag)
    {
        tag = "";
        if (value.Length != sizeof(long) || key.Length <= TagInvalidationKeyPrefix.Length || !key.StartsWith(TagInvalidationKeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        tag = key[TagInvalidationKeyPrefix.Length..];
        return true;
    }

    /// <summary>
    /// Reads the tags of a HybridCache entry written under <paramref name="key"/>. False when the value is not such an
    /// entry (wrong sentinel, truncated, another key inside, bytes left over, unknown flags, bad UTF-8).
    /// </summary>
    public static bool TryReadTags(string key, ReadOnlySpan<byte> value, out string[] tags)
    {
        tags = [];
        if (value.Length < 19 || value[0] != Sentinel || value[1] is not (Version1 or Version2))
        {
            return false;
        }

        ushort sentinel = BinaryPrimitives.ReadUInt16LittleEndian(value);
        var rest = value[FixedHeaderBytes..];
        if (!TryReadVarint(ref rest, out ulong flags) || (flags & ~HasLocalSize) != 0
            || !TryReadVarint(ref rest, out ulong payloadLength) || payloadLength > int.MaxValue
            || !TryReadVarint(ref rest, out _))
        {
            return false;
        }

        if ((flags & HasLocalSize) != 0 && !TryReadVarint(ref rest, out _))
        {
            return false;
        }

        if (!TryReadVarint(ref rest, out ulong tagCount) || tagCount > MaxTags
            || !TryReadString(ref rest, out string? storedKey) || !string.Equals(storedKey, key, StringComparison.Ordinal))
        {
            return false;
        }

        var read = new string[(int)tagCount];
        for (int i = 0; i < read.Length; i++)
        {
            if (!TryReadString(ref rest, out string? tag) || tag.Length == 0)
            {
                return false;
            }

            read[i] = tag;
        }

        if (rest.Length != (long)payloadLength + 2 || BinaryPrimitives.ReadUInt16LittleEndian(rest[(int)payloadLength..]) != sentinel)
        {
            return false;
        }

        tags = read;
        return true;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> span, out ulong value)
    {
        value = 0;
        for (int i = 0, shift = 0; i < 10 && i < span.Length; i++, shift += 7)
        {
            byte b = span[i];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                span = span[(i + 1)..];
                return true;
            }
        }

        return false;
    }

    private static bool TryReadString(ref ReadOnlySpan<byte> span, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = null;
        if (!TryReadVarint(ref span, out ulong length) || length > (ulong)span.Length)
        {
            return false;
        }

        try
        {
            value = StrictUtf8.GetString(span[..(int)length]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        span = span[(int)length..];
        return true;
    }
}
