using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Grid.Grains.Storage;

/// <summary>
/// One open-addressing index of a <see cref="RecordTable"/> (linear probing, tombstones): each used slot holds an
/// entry's dense index + 1 and a tag of the entry's stored hash, so most slots of other keys met while probing are
/// passed over without reading their records. Issue 16 item 6 made it smaller in two ways: an index of up to
/// <see cref="NarrowMaxLength"/> slots takes 2 bytes per slot (4 above), and lengths go 8, 12, 16, 24, 32, 48 …
/// (powers of two and 1.5 times them) instead of doubling, so an index is on average fuller. At 1,000 entries a
/// partition's index is 3 KiB; it was 8.
/// </summary>
/// <remarks>
/// <para>The home position of a stored hash h is h's top bits scaled to the length (multiply and shift, Lemire's
/// fast range): of its low 16 bits in a narrow index, of all 32 in a wide one.</para>
/// <para>Wide slot (4 bytes): the stored hash's low 8 bits, then 24 bits of entry index + 1 (partitions of up to
/// <see cref="RecordTable.MaxEntries"/> entries); tombstone all ones.</para>
/// <para>Narrow slot (2 bytes), for 12 to 65,536 slots: b = ceil(log2(length)) bits of entry index + 1, and above them
/// the low 16 - b bits of the stored hash (a 5-bit tag at 1,536 or 2,048 slots: 1 false candidate in 32; none left
/// above 32,768, where the key alone decides); tombstone all ones. So a narrow index needs only the low 16 bits of a
/// stored hash, all the table keeps per entry. An entry index + 1 never reaches 2^b - 1 in an index that length (a
/// table is under 3/4 full, one insert past it at most, before it is rebuilt larger), so no entry reads as a
/// tombstone; the smallest index (8 slots) is wide for the same reason.</para>
/// <para>A struct, kept inline in its <see cref="RecordTable"/>: a lookup reads the index's mask and shift from the
/// table object it already has in cache instead of from an object of its own, one dependent cache miss fewer per
/// operation when a silo's partitions are spread over more memory than the caches hold (the silo's profile of the
/// one-silo N = 64 cell had 17 % of the store's own time on that load).</para>
/// </remarks>
internal readonly struct SlotIndex
{
    /// <summary>The value of a slot never used.</summary>
    public const uint Empty = 0;

    /// <summary>The smallest index (wide).</summary>
    public const int MinLength = 8;

    /// <summary>The largest index with 2-byte slots.</summary>
    public const int NarrowMaxLength = 1 << 16;

    private const int WideEntryBits = 24;
    private const int WideTagBits = 8;

    private readonly ushort[]? _narrow;
    private readonly uint[]? _wide;

    // Slot = tag (above _entryBits) | entry index + 1 (the low _entryBits).
    private readonly int _entryBits;
    private readonly uint _entryMask;

    // The bits of a stored hash that are its tag, before they are shifted above the entry bits.
    private readonly uint _tagBits;

    // Home = ((h & _homeBits) * Length) >> _homeShift.
    private readonly uint _homeBits;
    private readonly int _homeShift;

    /// <summary>An index of <paramref name="length"/> empty slots (a length <see cref="LengthAtLeast"/> gives).</summary>
    public SlotIndex(int length)
    {
        if (!IsLength(length))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "An index length is 2^k or 3 * 2^(k-1), at least 8.");
        }

        Length = length;
        if (length > MinLength && length <= NarrowMaxLength)
        {
            _narrow = new ushort[length];
            _entryBits = BitOperations.Log2((uint)length - 1) + 1;
            _tagBits = (1u << (16 - _entryBits)) - 1;
            _homeBits = ushort.MaxValue;
            _homeShift = 16;
            Tombstone = ushort.MaxValue;
        }
        else
        {
            _wide = new uint[length];
            _entryBits = WideEntryBits;
            _tagBits = (1u << WideTagBits) - 1;
            _homeBits = uint.MaxValue;
            _homeShift = 32;
            Tombstone = uint.MaxValue;
        }

        _entryMask = (1u << _entryBits) - 1;
    }

    /// <summary>Slots.</summary>
    public int Length { get; }

    /// <summary>The value of a slot whose entry was removed (probe chains go on through it).</summary>
    public uint Tombstone { get; }

    /// <summary>Whether slots take 2 bytes (tests).</summary>
    internal bool IsNarrow => _narrow is not null;

    /// <summary>Whether <paramref name="other"/> is this same index (the same slot array), not just an equal-looking one (tests).</summary>
    internal bool IsSameIndex(in SlotIndex other) => ReferenceEquals(_narrow ?? (object?)_wide, other._narrow ?? (object?)other._wide);

    /// <summary>The managed heap bytes of the slot array.</summary>
    public long HeapBytes => EntryRecord.HeapSize(Length * (_narrow is null ? 4 : 2));

    /// <summary>The slot at <paramref name="position"/> (0 to <see cref="Length"/> - 1); setting it writes the shared slot array.</summary>
    /// <remarks>
    /// Bounds are checked against <see cref="Length"/>, which is the slot array's length (both are set once, together, by
    /// the constructor), so a lookup does not read the array's header: in an index of more than a few dozen slots that is
    /// another cache line than the slot's, one more line fetched per operation.
    /// </remarks>
    public uint this[int position]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _narrow is { } narrow ? SlotRef(narrow, position) : SlotRef(_wide!, position);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set
        {
            if (_narrow is { } narrow)
            {
                SlotRef(narrow, position) = (ushort)value;
            }
            else
            {
                SlotRef(_wide!, position) = value;
            }
        }
    }

    /// <summary>The slot at <paramref name="position"/> of this index's array (either width), checked against <see cref="Length"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref T SlotRef<T>(T[] slots, int position)
        where T : unmanaged
    {
        if ((uint)position >= (uint)Length)
        {
            ThrowPositionOutOfRange(position);
        }

        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(slots), position);
    }

    [DoesNotReturn]
    private void ThrowPositionOutOfRange(int position) =>
        throw new IndexOutOfRangeException($"Slot position {position} is outside the index's {Length} slots.");

    /// <summary>Starts loading the slot where the probe chain of stored hash <paramref name="h"/> starts (a hint, see <see cref="CachePrefetch"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchHome(uint h)
    {
        if (_narrow is { } narrow)
        {
            CachePrefetch.Element(narrow, Home(h));
        }
        else
        {
            CachePrefetch.Element(_wide, Home(h));
        }
    }

    /// <summary>
    /// The slot at <paramref name="position"/>, or <see cref="Empty"/> when the position is outside the slot array: for
    /// reads that may race a writer (a prefetch without the store's lock), where a torn copy of this struct could pair a
    /// length with another index's array, so the array's own length decides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint PeekUnlocked(int position)
    {
        if (_narrow is { } narrow)
        {
            return (uint)position < (uint)narrow.Length ? narrow[position] : Empty;
        }

        return _wide is { } wide && (uint)position < (uint)wide.Length ? wide[position] : Empty;
    }

    /// <summary>The smallest index length (8, 12, 16, 24, 32, 48 …) of at least <paramref name="wanted"/> slots.</summary>
    public static int LengthAtLeast(long wanted)
    {
        if (wanted <= MinLength)
        {
            return MinLength;
        }

        long power = (long)BitOperations.RoundUpToPowerOf2((ulong)wanted);
        long threeQuarters = power / 4 * 3;
        return (int)Math.Min(1 << 30, threeQuarters >= wanted ? threeQuarters : power);
    }

    /// <summary>Whether <paramref name="length"/> is one <see cref="LengthAtLeast"/> gives.</summary>
    public static bool IsLength(int length) =>
        length >= MinLength && (BitOperations.IsPow2(length) || (length % 3 == 0 && BitOperations.IsPow2(length / 3)));

    /// <summary>Where the probe chain of stored hash <paramref name="h"/> starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Home(uint h) => (int)(((ulong)(h & _homeBits) * (uint)Length) >> _homeShift);

    /// <summary>The position after <paramref name="position"/> in a probe chain (wrapping at the end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int position) => ++position == Length ? 0 : position;

    /// <summary>The tag bits of stored hash <paramref name="h"/>, in their place in a slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint TagOf(uint h) => (h & _tagBits) << _entryBits;

    /// <summary>Whether used slot <paramref name="slot"/> carries <paramref name="tag"/> (from <see cref="TagOf"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasTag(uint slot, uint tag) => (slot & ~_entryMask) == tag;

    /// <summary>The entry index a used slot points at.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int EntryOf(uint slot) => (int)(slot & _entryMask) - 1;

    /// <summary>The slot value for entry <paramref name="index"/> whose stored hash is <paramref name="h"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint SlotFor(uint h, int index) => TagOf(h) | (uint)(index + 1);

    /// <summary>Used slot <paramref name="slot"/> pointed at entry <paramref name="index"/> instead (same key, hence tag).</summary>
    public uint Repointed(uint slot, int index) => (slot & ~_entryMask) | (uint)(index + 1);
}
