using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>
/// Layout of an entry's record: one <c>byte[]</c> holding header, key, tags and (for strings and counters) the value,
/// so an entry costs one object instead of a node, a string and a value array.
/// <code>
/// [0]      type (GridValueType)
/// [1]      flags (Sliding, Tags)
/// [2..3]   key length (ushort)
/// [4..7]   LRU stamp (uint, low 32 bits of unix ms at last access)
/// [8..15]  expires at (unix ms, 0 = never)
/// [16..31] only with Sliding: window ms, absolute cap (unix ms, 0 = none)
/// then key bytes, then with Tags: count (byte) and per tag length (ushort) + UTF-8, then the value.
/// </code>
/// </summary>
internal static class EntryRecord
{
    public const int BaseHeaderSize = 16;
    public const int SlidingSize = 16;
    public const byte FlagSliding = 1;
    public const byte FlagTags = 2;

    private const int ArrayOverhead = 24;

    /// <summary>The managed heap size of a byte array of <paramref name="length"/> bytes on 64-bit .NET.</summary>
    public static long HeapSize(int length) => ArrayOverhead + (((long)length + 7) & ~7L);

    public static GridValueType Type(byte[] r) => (GridValueType)r[0];

    public static bool HasSliding(byte[] r) => (r[1] & FlagSliding) != 0;

    public static bool HasTags(byte[] r) => (r[1] & FlagTags) != 0;

    public static int KeyLength(byte[] r) => BinaryPrimitives.ReadUInt16LittleEndian(r.AsSpan(2));

    public static int KeyOffset(byte[] r) => HasSliding(r) ? BaseHeaderSize + SlidingSize : BaseHeaderSize;

    public static ReadOnlySpan<byte> Key(byte[] r) => r.AsSpan(KeyOffset(r), KeyLength(r));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Stamp(byte[] r) => Unsafe.ReadUnaligned<uint>(ref r[4]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetStamp(byte[] r, uint stamp) => Unsafe.WriteUnaligned(ref r[4], stamp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ExpiresAt(byte[] r) => Unsafe.ReadUnaligned<long>(ref r[8]);

    public static void SetExpiresAt(byte[] r, long unixMs) => Unsafe.WriteUnaligned(ref r[8], unixMs);

    public static long SlidingMs(byte[] r) => HasSliding(r) ? Unsafe.ReadUnaligned<long>(ref r[16]) : 0;

    public static long AbsoluteCap(byte[] r) => HasSliding(r) ? Unsafe.ReadUnaligned<long>(ref r[24]) : 0;

    public static int TagsOffset(byte[] r) => KeyOffset(r) + KeyLength(r);

    public static int ValueOffset(byte[] r)
    {
        int offset = TagsOffset(r);
        return HasTags(r) ? offset + TagsBlockLength(r.AsSpan(offset)) : offset;
    }

    public static ReadOnlySpan<byte> Value(byte[] r) => r.AsSpan(ValueOffset(r));

    public static ReadOnlySpan<byte> TagsBlock(byte[] r) => HasTags(r) ? r.AsSpan(TagsOffset(r), TagsBlockLength(r.AsSpan(TagsOffset(r)))) : default;

    /// <summary>Whether the entry is expired at <paramref name="nowMs"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsExpired(byte[] r, long nowMs)
    {
        long expires = ExpiresAt(r);
        return expires != 0 && expires <= nowMs;
    }

    /// <summary>Records an access: LRU stamp, and for a sliding entry a new deadline (never past its absolute cap).</summary>
    public static void Touch(byte[] r, long nowMs)
    {
        SetStamp(r, (uint)nowMs);
        if (HasSliding(r))
        {
            long deadline = nowMs + SlidingMs(r);
            long cap = AbsoluteCap(r);
            SetExpiresAt(r, cap != 0 && cap < deadline ? cap : deadline);
        }
    }

    /// <summary>Allocates a record and writes everything but the value; the value goes at <paramref name="valueOffset"/>.</summary>
    public static byte[] Create(GridValueType type, ReadOnlySpan<byte> key, in EntryExpiry expiry, ReadOnlySpan<byte> tagsBlock, int valueLength, long nowMs, out int valueOffset)
    {
        bool sliding = expiry.SlidingMs != 0;
        int keyOffset = sliding ? BaseHeaderSize + SlidingSize : BaseHeaderSize;
        valueOffset = keyOffset + key.Length + tagsBlock.Length;
        var r = GC.AllocateUninitializedArray<byte>(valueOffset + valueLength);
        r[0] = (byte)type;
        r[1] = (byte)((sliding ? FlagSliding : 0) | (tagsBlock.IsEmpty ? 0 : FlagTags));
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(2), (ushort)key.Length);
        SetStamp(r, (uint)nowMs);
        SetExpiresAt(r, expiry.ExpiresAt);
        if (sliding)
        {
            Unsafe.WriteUnaligned(ref r[16], expiry.SlidingMs);
            Unsafe.WriteUnaligned(ref r[24], expiry.AbsoluteCap);
        }

        key.CopyTo(r.AsSpan(keyOffset));
        tagsBlock.CopyTo(r.AsSpan(keyOffset + key.Length));
        return r;
    }

    /// <summary>A copy of <paramref name="r"/> with another expiry (the sliding part is added or dropped as needed).</summary>
    public static byte[] WithExpiry(byte[] r, in EntryExpiry expiry)
    {
        ReadOnlySpan<byte> value = r.AsSpan(ValueOffset(r));
        var copy = Create(Type(r), Key(r), expiry, TagsBlock(r), value.Length, 0, out int valueOffset);
        SetStamp(copy, Stamp(r));
        value.CopyTo(copy.AsSpan(valueOffset));
        return copy;
    }

    /// <summary>The current expiry settings of a record.</summary>
    public static EntryExpiry GetExpiry(byte[] r) => new(ExpiresAt(r), SlidingMs(r), AbsoluteCap(r));

    /// <summary>Encodes tags as a block: count, then length-prefixed UTF-8 names. Empty when there are none.</summary>
    public static byte[] EncodeTags(string[]? tags) => TagBlock.Encode(tags);

    /// <summary>Decodes a record's tags (empty when it has none).</summary>
    public static string[] DecodeTags(byte[] r) => TagBlock.Decode(TagsBlock(r));

    private static int TagsBlockLength(ReadOnlySpan<byte> block) => TagBlock.Length(block);
}

/// <summary>When an entry expires: a deadline, and for sliding entries the window and an optional absolute cap (all unix ms, 0 = none).</summary>
internal readonly record struct EntryExpiry(long ExpiresAt, long SlidingMs, long AbsoluteCap)
{
    public static EntryExpiry None => default;

    /// <summary>The expiry of a write at <paramref name="nowMs"/> with a time to live and/or sliding window in ms (0 = none).</summary>
    public static EntryExpiry From(long nowMs, long ttlMs, long slidingMs)
    {
        long cap = ttlMs > 0 ? nowMs + ttlMs : 0;
        if (slidingMs <= 0)
        {
            return new EntryExpiry(cap, 0, 0);
        }

        long deadline = nowMs + slidingMs;
        return new EntryExpiry(cap != 0 && cap < deadline ? cap : deadline, slidingMs, cap);
    }
}
