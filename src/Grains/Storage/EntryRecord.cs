using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>
/// Layout of an entry's record: header, key, tags and (for strings and counters) the value in one run of bytes, kept in
/// a page of its partition's <see cref="RecordArena"/> (or, when large, in a <c>byte[]</c> of its own), so an entry
/// costs no object at all. The same bytes travel in snapshots and to replicas.
/// <code>
/// [0]      type (GridValueType)
/// [1]      flags (Sliding, Tags, Expires; Dead only inside an arena page)
/// [2..3]   key length (ushort)
/// [4..7]   LRU stamp (uint, low 32 bits of unix ms at last access)
/// [8..9]   record length (ushort: all of it, header, key, tags, value; 0 when over 65,535 bytes)
/// [10..17] version (long: changes on every write, see <see cref="VersionClock"/>; kept by replicas, moves and snapshots)
/// [18..25] only with Expires: expires at (unix ms, 0 = never)
/// [26..41] only with Sliding (which always has Expires): window ms, absolute cap (unix ms, 0 = none)
/// then key bytes, then with Tags: count (byte) and per tag length (ushort) + UTF-8, then the value.
/// </code>
/// </summary>
/// <remarks>
/// An entry without a time to live pays no expiry field (as Redis keeps expiries in a dictionary of their own): 18
/// header bytes instead of 26 for the common case. The length field lets an arena page be walked record by record
/// (pages hold records of at most <see cref="RecordArena.MaxRecordSize"/> bytes); everywhere else a record is a span
/// of exactly its bytes, and its length is the span's.
/// </remarks>
internal static class EntryRecord
{
    public const int BaseHeaderSize = 18;
    public const int ExpirySize = 8;
    public const int SlidingSize = 16;
    public const byte FlagSliding = 1;
    public const byte FlagTags = 2;
    public const byte FlagExpires = 4;

    /// <summary>Set in a record's flags when its arena space was given up (the bytes stay until the page is compacted).</summary>
    public const byte FlagDead = 0x80;

    /// <summary>The header size of format version 1 (snapshots written before records carried a version).</summary>
    public const int Version1HeaderSize = 10;

    private const int LengthOffset = 8;
    private const int VersionOffset = 10;
    private const int ExpiresOffset = BaseHeaderSize;
    private const int SlidingOffset = BaseHeaderSize + ExpirySize;
    private const int ArrayOverhead = 24;

    /// <summary>The managed heap size of a byte array of <paramref name="length"/> bytes on 64-bit .NET.</summary>
    public static long HeapSize(int length) => ArrayOverhead + (((long)length + 7) & ~7L);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GridValueType Type(ReadOnlySpan<byte> r) => (GridValueType)r[0];

    public static bool HasSliding(ReadOnlySpan<byte> r) => (r[1] & FlagSliding) != 0;

    public static bool HasTags(ReadOnlySpan<byte> r) => (r[1] & FlagTags) != 0;

    /// <summary>Whether the record has room for an expiry (it had one when written; it may since have been set to 0).</summary>
    public static bool HasExpiryField(ReadOnlySpan<byte> r) => (r[1] & FlagExpires) != 0;

    public static bool IsDead(ReadOnlySpan<byte> r) => (r[1] & FlagDead) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int KeyLength(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadUInt16LittleEndian(r[2..]);

    /// <summary>The record's whole length as written in its header (0 for a record over 65,535 bytes, which no page holds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadUInt16LittleEndian(r[LengthOffset..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int KeyOffset(ReadOnlySpan<byte> r) => HeaderSize(r[1]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> r) => r.Slice(KeyOffset(r), KeyLength(r));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Stamp(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadUInt32LittleEndian(r[4..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetStamp(Span<byte> r, uint stamp) => BinaryPrimitives.WriteUInt32LittleEndian(r[4..], stamp);

    /// <summary>The entry's version: a new one on every write (0 only in a record not yet stored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Version(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt64LittleEndian(r[VersionOffset..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetVersion(Span<byte> r, long version) => BinaryPrimitives.WriteInt64LittleEndian(r[VersionOffset..], version);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ExpiresAt(ReadOnlySpan<byte> r) => HasExpiryField(r) ? BinaryPrimitives.ReadInt64LittleEndian(r[ExpiresOffset..]) : 0;

    /// <summary>Whether <see cref="SetExpiresAt"/> can write <paramref name="unixMs"/> in place (a record without the field can only stay at 0).</summary>
    public static bool CanSetExpiresAt(ReadOnlySpan<byte> r, long unixMs) => unixMs == 0 || HasExpiryField(r);

    /// <summary>Writes the expiry in place; see <see cref="CanSetExpiresAt"/> (a record without the field takes only 0).</summary>
    public static void SetExpiresAt(Span<byte> r, long unixMs)
    {
        if (HasExpiryField(r))
        {
            BinaryPrimitives.WriteInt64LittleEndian(r[ExpiresOffset..], unixMs);
        }
        else if (unixMs != 0)
        {
            throw new InvalidOperationException("The record has no expiry field; write a new record (WithExpiry).");
        }
    }

    public static long SlidingMs(ReadOnlySpan<byte> r) => HasSliding(r) ? BinaryPrimitives.ReadInt64LittleEndian(r[SlidingOffset..]) : 0;

    public static long AbsoluteCap(ReadOnlySpan<byte> r) => HasSliding(r) ? BinaryPrimitives.ReadInt64LittleEndian(r[(SlidingOffset + 8)..]) : 0;

    public static int TagsOffset(ReadOnlySpan<byte> r) => KeyOffset(r) + KeyLength(r);

    public static int ValueOffset(ReadOnlySpan<byte> r)
    {
        int offset = TagsOffset(r);
        return HasTags(r) ? offset + TagsBlockLength(r[offset..]) : offset;
    }

    /// <summary>The value: the rest of the record (<paramref name="r"/> is exactly the record, as every reader gets it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> r) => r[ValueOffset(r)..];

    /// <summary>The value's bytes, writable (a counter is updated in place).</summary>
    public static Span<byte> ValueSpan(Span<byte> r) => r[ValueOffset(r)..];

    public static ReadOnlySpan<byte> TagsBlock(ReadOnlySpan<byte> r) => HasTags(r) ? r.Slice(TagsOffset(r), TagsBlockLength(r[TagsOffset(r)..])) : default;

    /// <summary>Whether the entry is expired at <paramref name="nowMs"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsExpired(ReadOnlySpan<byte> r, long nowMs)
    {
        long expires = ExpiresAt(r);
        return expires != 0 && expires <= nowMs;
    }

    /// <summary>Records an access: LRU stamp, and for a sliding entry a new deadline (never past its absolute cap).</summary>
    public static void Touch(Span<byte> r, long nowMs)
    {
        SetStamp(r, (uint)nowMs);
        if (HasSliding(r))
        {
            long deadline = nowMs + SlidingMs(r);
            long cap = AbsoluteCap(r);
            SetExpiresAt(r, cap != 0 && cap < deadline ? cap : deadline);
        }
    }

    /// <summary>The bytes a record of this shape takes.</summary>
    public static int SizeOf(int keyLength, in EntryExpiry expiry, int tagsLength, int valueLength) =>
        HeaderSize(FlagsOf(expiry, tagsLength)) + keyLength + tagsLength + valueLength;

    /// <summary>
    /// Writes everything but the value into <paramref name="destination"/>, which is exactly the record's size
    /// (<see cref="SizeOf"/>); returns where the value goes.
    /// </summary>
    public static int Write(Span<byte> destination, GridValueType type, ReadOnlySpan<byte> key, in EntryExpiry expiry, ReadOnlySpan<byte> tagsBlock, long nowMs)
    {
        byte flags = FlagsOf(expiry, tagsBlock.Length);
        int keyOffset = HeaderSize(flags);
        destination[0] = (byte)type;
        destination[1] = flags;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)key.Length);
        SetStamp(destination, (uint)nowMs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[LengthOffset..], destination.Length <= ushort.MaxValue ? (ushort)destination.Length : (ushort)0);

        // The keyspace stamps the version once the record is stored (Keyspace.Stamp); until then it is 0.
        SetVersion(destination, 0);
        if ((flags & FlagExpires) != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[ExpiresOffset..], expiry.ExpiresAt);
        }

        if ((flags & FlagSliding) != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[SlidingOffset..], expiry.SlidingMs);
            BinaryPrimitives.WriteInt64LittleEndian(destination[(SlidingOffset + 8)..], expiry.AbsoluteCap);
        }

        key.CopyTo(destination[keyOffset..]);
        tagsBlock.CopyTo(destination[(keyOffset + key.Length)..]);
        return keyOffset + key.Length + tagsBlock.Length;
    }

    /// <summary>Allocates a record and writes everything but the value; the value goes at <paramref name="valueOffset"/>.</summary>
    public static byte[] Create(GridValueType type, ReadOnlySpan<byte> key, in EntryExpiry expiry, ReadOnlySpan<byte> tagsBlock, int valueLength, long nowMs, out int valueOffset)
    {
        var r = GC.AllocateUninitializedArray<byte>(SizeOf(key.Length, expiry, tagsBlock.Length, valueLength));
        valueOffset = Write(r, type, key, expiry, tagsBlock, nowMs);
        return r;
    }

    /// <summary>A copy of <paramref name="r"/> with another expiry (the expiry and sliding fields are added or dropped as needed).</summary>
    public static byte[] WithExpiry(ReadOnlySpan<byte> r, in EntryExpiry expiry)
    {
        ReadOnlySpan<byte> value = Value(r);
        var copy = Create(Type(r), Key(r), expiry, TagsBlock(r), value.Length, 0, out int valueOffset);
        SetStamp(copy, Stamp(r));
        SetVersion(copy, Version(r));
        value.CopyTo(copy.AsSpan(valueOffset));
        return copy;
    }

    /// <summary>
    /// A record of format version 1 (10-byte header, no version) in today's layout, with version 0 (snapshots written
    /// before entries carried versions; the store's next write of the key gives it a real one).
    /// </summary>
    public static byte[] FromVersion1(ReadOnlySpan<byte> v1)
    {
        var r = new byte[v1.Length + (BaseHeaderSize - Version1HeaderSize)];
        v1[..Version1HeaderSize].CopyTo(r);
        v1[Version1HeaderSize..].CopyTo(r.AsSpan(BaseHeaderSize));
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(LengthOffset), r.Length <= ushort.MaxValue ? (ushort)r.Length : (ushort)0);
        return r;
    }

    /// <summary>The current expiry settings of a record.</summary>
    public static EntryExpiry GetExpiry(ReadOnlySpan<byte> r) => new(ExpiresAt(r), SlidingMs(r), AbsoluteCap(r));

    /// <summary>Encodes tags as a block: count, then length-prefixed UTF-8 names. Empty when there are none.</summary>
    public static byte[] EncodeTags(string[]? tags) => TagBlock.Encode(tags);

    /// <summary>Decodes a record's tags (empty when it has none).</summary>
    public static string[] DecodeTags(ReadOnlySpan<byte> r) => TagBlock.Decode(TagsBlock(r));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HeaderSize(byte flags) =>
        BaseHeaderSize + ((flags & FlagExpires) != 0 ? ExpirySize : 0) + ((flags & FlagSliding) != 0 ? SlidingSize : 0);

    private static byte FlagsOf(in EntryExpiry expiry, int tagsLength)
    {
        bool sliding = expiry.SlidingMs != 0;
        bool expires = sliding || expiry.ExpiresAt != 0;
        return (byte)((sliding ? FlagSliding : 0) | (expires ? FlagExpires : 0) | (tagsLength == 0 ? 0 : FlagTags));
    }

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
