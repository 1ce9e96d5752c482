using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Grid.Grains.Memory;

namespace Grid.Grains.Storage;

/// <summary>
/// The table engine of one partition: a dense array of entries (each a record <c>byte[]</c>, or a
/// <see cref="ComplexEntry"/> for hashes and lists) indexed by an open-addressing table of ints (8-bit hash tag + 24-bit
/// record index, linear probing, tombstones), and the bytes they take, reported to the silo's memory account. Removal
/// moves the last entry into the hole so the array stays dense, which makes random sampling (eviction) and sweeping
/// (expiry) cheap. It knows nothing of operations, expiry or listeners (see <see cref="Keyspace"/>); the caller holds
/// the store's lock.
/// </summary>
internal sealed class RecordTable
{
    /// <summary>Most entries one partition can hold (24-bit record indices).</summary>
    public const int MaxEntries = (1 << 24) - 2;

    /// <summary>Bytes accounted for a store beyond its arrays and entries (its objects and their headers).</summary>
    public const long StoreOverhead = 256;

    private const uint EmptySlot = 0;
    private const uint Tombstone = 0xFFFF_FFFF;
    private const int MinRecordCapacity = 4;
    private const int MinTableLength = 8;
    private const long HashSeed = 0x5bd1_e995;

    private readonly IMemoryAccount _memory;
    private object[] _records;
    private uint[] _table;
    private int _count;
    private int _tagged;
    private int _tombstones;
    private long _bytes;
    private bool _outOfBudget;

    public RecordTable(IMemoryAccount memory)
    {
        _memory = memory;
        _records = new object[MinRecordCapacity];
        _table = new uint[MinTableLength];
        Account(StoreOverhead + ArraysSize(_records.Length, _table.Length));
    }

    /// <summary>Entries held (including expired ones not yet removed); readable without the lock.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Entries that carry at least one tag; readable without the lock.</summary>
    public int TaggedCount => Volatile.Read(ref _tagged);

    /// <summary>Bytes accounted: entries, the two arrays and <see cref="StoreOverhead"/>; readable without the lock.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The entry at a dense index (0 to <see cref="Count"/> - 1).</summary>
    public object this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _records[index];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong HashKey(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key, HashSeed);

    /// <summary>The record (header, key, tags, value) of an entry: the entry itself, or a structure's record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte[] RecordOf(object entry) => entry as byte[] ?? Unsafe.As<ComplexEntry>(entry).Record;

    /// <summary>Bytes an entry takes on the heap, as accounted.</summary>
    internal static long EntrySize(object entry) => entry is byte[] r ? EntryRecord.HeapSize(r.Length) : Unsafe.As<ComplexEntry>(entry).HeapSize;

    /// <summary>
    /// The table leaves the memory budget (its store closed): its bytes are given back once, and later changes are
    /// counted in <see cref="Bytes"/> only.
    /// </summary>
    public void LeaveBudget()
    {
        if (!_outOfBudget)
        {
            _outOfBudget = true;
            _memory.Add(-_bytes);
        }
    }

    /// <summary>An entry held here changed size in place (a structure gained or lost elements, or got a new record).</summary>
    public void Resized(long deltaBytes) => Account(deltaBytes);

    /// <summary>Index of the entry with <paramref name="key"/>, or -1; <paramref name="slot"/> is its table slot, or where to insert it.</summary>
    public int Find(ReadOnlySpan<byte> key, ulong hash, out int slot)
    {
        uint tag = (uint)(hash >> 56);
        int mask = _table.Length - 1;
        int pos = (int)(hash >> 24) & mask;
        int firstFree = -1;
        while (true)
        {
            uint s = _table[pos];
            if (s == EmptySlot)
            {
                slot = firstFree >= 0 ? firstFree : pos;
                return -1;
            }

            if (s == Tombstone)
            {
                if (firstFree < 0)
                {
                    firstFree = pos;
                }
            }
            else if (s >> 24 == tag)
            {
                int index = (int)(s & 0xFF_FFFF) - 1;
                if (EntryRecord.Key(RecordOf(_records[index])).SequenceEqual(key))
                {
                    slot = pos;
                    return index;
                }
            }

            pos = (pos + 1) & mask;
        }
    }

    /// <summary>The record whose key hashes to <paramref name="hash"/> (tracking tables know keys only by hash), or null.</summary>
    public byte[]? FindByHash(ulong hash)
    {
        uint tag = (uint)(hash >> 56);
        int mask = _table.Length - 1;
        for (int pos = (int)(hash >> 24) & mask; _table[pos] != EmptySlot; pos = (pos + 1) & mask)
        {
            uint s = _table[pos];
            if (s != Tombstone && s >> 24 == tag)
            {
                byte[] record = RecordOf(_records[(int)(s & 0xFF_FFFF) - 1]);
                if (HashKey(EntryRecord.Key(record)) == hash)
                {
                    return record;
                }
            }
        }

        return null;
    }

    /// <summary>The table slot that points at entry <paramref name="index"/>.</summary>
    public int SlotOf(int index)
    {
        ulong hash = HashKey(EntryRecord.Key(RecordOf(_records[index])));
        int mask = _table.Length - 1;
        int pos = (int)(hash >> 24) & mask;
        while (true)
        {
            uint s = _table[pos];
            if (s != EmptySlot && s != Tombstone && (int)(s & 0xFF_FFFF) - 1 == index)
            {
                return pos;
            }

            pos = (pos + 1) & mask;
        }
    }

    /// <summary>Adds an entry at a slot <see cref="Find"/> returned; false when the partition is full.</summary>
    public bool Insert(ulong hash, int slot, object entry)
    {
        if (_count >= MaxEntries)
        {
            return false;
        }

        if (_count == _records.Length)
        {
            ResizeRecords(_records.Length * 2);
        }

        int index = _count++;
        _records[index] = entry;
        if (_table[slot] == Tombstone)
        {
            _tombstones--;
        }

        _table[slot] = (uint)(hash >> 56) << 24 | (uint)(index + 1);
        Account(EntrySize(entry));
        CountTags(entry, +1);
        if ((_count + _tombstones) * 4L > _table.Length * 3L)
        {
            Rehash(TableLengthFor(_count));
        }

        return true;
    }

    /// <summary>Puts a new entry object in place of entry <paramref name="index"/> (same key); returns the one it replaced.</summary>
    public object Replace(int index, object entry)
    {
        var previous = _records[index];
        Account(EntrySize(entry) - EntrySize(previous));
        _records[index] = entry;
        CountTags(previous, -1);
        CountTags(entry, +1);
        return previous;
    }

    /// <summary>Removes entry <paramref name="index"/> found at <paramref name="slot"/>; the last entry moves into its place.</summary>
    public void RemoveAt(int index, int slot)
    {
        Account(-EntrySize(_records[index]));
        CountTags(_records[index], -1);
        _table[slot] = Tombstone;
        _tombstones++;
        int last = _count - 1;
        if (index != last)
        {
            int movedSlot = SlotOf(last);
            _records[index] = _records[last];
            _table[movedSlot] = (_table[movedSlot] & 0xFF00_0000) | (uint)(index + 1);
        }

        _records[last] = null!;
        _count--;
        if (_records.Length > MinRecordCapacity && _count < _records.Length / 4)
        {
            ResizeRecords(Math.Max(MinRecordCapacity, _count * 2));
            Rehash(TableLengthFor(_count));
        }
        else if (_tombstones > _table.Length / 4)
        {
            Rehash(_table.Length);
        }
    }

    private static long ArraysSize(int records, int table) => EntryRecord.HeapSize(records * 8) + EntryRecord.HeapSize(table * 4);

    private static int TableLengthFor(int count)
    {
        long wanted = Math.Max(MinTableLength, count * 2L);
        return (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)wanted));
    }

    private void Account(long delta)
    {
        _bytes += delta;
        if (!_outOfBudget)
        {
            _memory.Add(delta);
        }
    }

    /// <summary>Keeps <see cref="TaggedCount"/>: entries change their tags only by being inserted, replaced or removed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountTags(object entry, int delta)
    {
        if (EntryRecord.HasTags(RecordOf(entry)))
        {
            Volatile.Write(ref _tagged, _tagged + delta);
        }
    }

    private void ResizeRecords(int capacity)
    {
        var resized = new object[capacity];
        Array.Copy(_records, resized, _count);
        Account(ArraysSize(capacity, _table.Length) - ArraysSize(_records.Length, _table.Length));
        _records = resized;
    }

    private void Rehash(int tableLength)
    {
        var table = new uint[tableLength];
        int mask = tableLength - 1;
        for (int i = 0; i < _count; i++)
        {
            ulong hash = HashKey(EntryRecord.Key(RecordOf(_records[i])));
            int pos = (int)(hash >> 24) & mask;
            while (table[pos] != EmptySlot)
            {
                pos = (pos + 1) & mask;
            }

            table[pos] = (uint)(hash >> 56) << 24 | (uint)(i + 1);
        }

        Account(ArraysSize(_records.Length, tableLength) - ArraysSize(_records.Length, _table.Length));
        _table = table;
        _tombstones = 0;
    }
}
