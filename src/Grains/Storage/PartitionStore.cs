using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Grid.Grains.Memory;
using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>
/// The entries of one partition: a dense array of records (each a <c>byte[]</c>, or a <see cref="ComplexEntry"/> for
/// hashes and lists) indexed by an open-addressing table of ints (8-bit hash tag + 24-bit record index, linear probing,
/// tombstones). Removal moves the last record into the hole so the array stays dense, which makes random sampling
/// (eviction) and sweeping (expiry) cheap. Every access goes through <see cref="_lock"/>, which makes each operation
/// atomic whether it arrives by a grain call or by the silo's batch entry.
/// </summary>
internal sealed partial class PartitionStore
{
    /// <summary>Most entries one partition can hold (24-bit record indices).</summary>
    public const int MaxEntries = (1 << 24) - 2;

    private const uint EmptySlot = 0;
    private const uint Tombstone = 0xFFFF_FFFF;
    private const int MinRecordCapacity = 4;
    private const int MinTableLength = 8;
    private const long StoreOverhead = 256;
    private const long HashSeed = 0x5bd1_e995;

    private readonly Lock _lock = new();
    private readonly GridClock _clock;
    private readonly IMemoryAccount _memory;
    private readonly IStoreChangeListener? _listener;
    private readonly IReadTracker? _tracker;
    private Dictionary<ulong, ulong>? _tracking;
    private object[] _records;
    private uint[] _table;
    private int _count;
    private int _tagged;
    private int _tombstones;
    private long _bytes;
    private bool _closed;
    private int _sweepCursor;
    private bool _restoring;

    // The caller of the locked operation under way (set and cleared under _lock), handed to listeners with each change.
    private BatchContext? _context;

    // Answers to writes that carried a request id, for writes sent again (under _lock).
    private readonly RequestLog _requests = new();

    public PartitionStore(int partition, GridClock clock, IMemoryAccount memory, IStoreChangeListener? listener = null, IReadTracker? tracker = null)
    {
        Partition = partition;
        _clock = clock;
        _memory = memory;
        _listener = listener;
        _tracker = tracker;
        _records = new object[MinRecordCapacity];
        _table = new uint[MinTableLength];
        Account(StoreOverhead + ArraysSize(_records.Length, _table.Length));
    }

    public int Partition { get; }

    public StoreCounters Counters { get; } = new();

    /// <summary>Entries held (including expired ones not yet swept).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Entries that carry at least one tag (including expired ones not yet swept).</summary>
    public int TaggedCount => Volatile.Read(ref _tagged);

    /// <summary>Bytes accounted for this store: records, structures and its own arrays.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Bumped by every write; lets observers order what they hear about this partition.</summary>
    public long Version { get; private set; }

    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Answers kept for writes that may be sent again (diagnostics and tests).</summary>
    public int KeptAnswers
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>
    /// Closes the store: later operations answer <see cref="ResultStatus.NotHere"/> and its bytes leave the budget; the
    /// clients tracking its keys are told to forget the partition (<paramref name="context"/>: the caller, which may wait for them).
    /// </summary>
    public void Close(BatchContext? context = null)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _memory.Add(-_bytes);
            if (_tracking is { Count: > 0 } tracking)
            {
                _tracker!.OnTrackingDropped(Partition, tracking.Count, context);
                _tracking = null;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong HashKey(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key, HashSeed);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte[] RecordOf(object entry) => entry as byte[] ?? Unsafe.As<ComplexEntry>(entry).Record;

    internal static long EntrySize(object entry) => entry is byte[] r ? EntryRecord.HeapSize(r.Length) : Unsafe.As<ComplexEntry>(entry).HeapSize;

    private static long ArraysSize(int records, int table) => EntryRecord.HeapSize(records * 8) + EntryRecord.HeapSize(table * 4);

    private void Account(long delta)
    {
        _bytes += delta;
        if (!_closed)
        {
            _memory.Add(delta);
        }
    }

    /// <summary>Index of the record with <paramref name="key"/>, or -1; <paramref name="slot"/> is its table slot, or where to insert it.</summary>
    private int Find(ReadOnlySpan<byte> key, ulong hash, out int slot)
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
    private byte[]? FindByHash(ulong hash)
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

    /// <summary>Like <see cref="Find"/>, but an expired entry is removed (and counted) and reported as absent.</summary>
    private int FindLive(ReadOnlySpan<byte> key, ulong hash, long nowMs, out int slot)
    {
        int index = Find(key, hash, out slot);
        if (index >= 0 && EntryRecord.IsExpired(RecordOf(_records[index]), nowMs))
        {
            RemoveAt(index, slot, RemovalCause.Expired);
            Counters.Expirations++;
            index = Find(key, hash, out slot);
        }

        return index;
    }

    /// <summary>The table slot that points at record <paramref name="index"/>.</summary>
    private int SlotOf(int index)
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
    private bool Insert(ulong hash, int slot, object entry)
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
        Changed(entry);
        if ((_count + _tombstones) * 4L > _table.Length * 3L)
        {
            Rehash(TableLengthFor(_count));
        }

        return true;
    }

    /// <summary>Puts a new entry object in place of record <paramref name="index"/> (same key).</summary>
    private void Replace(int index, object entry)
    {
        Account(EntrySize(entry) - EntrySize(_records[index]));
        var previous = _records[index];
        _records[index] = entry;
        CountTags(previous, -1);
        CountTags(entry, +1);
        Changed(entry, previous);
    }

    /// <summary>Bumps the version and tells the listener that <paramref name="entry"/> was written (it replaced <paramref name="previous"/>, if given).</summary>
    private void Changed(object entry, object? previous = null)
    {
        Version++;
        if (_listener is not null && !_restoring)
        {
            byte[] record = RecordOf(entry);
            _listener.OnChanged(new StoreChange
            {
                Partition = Partition,
                Version = Version,
                Kind = StoreChangeKind.Written,
                Key = EntryRecord.Key(record),
                Tags = EntryRecord.TagsBlock(record),
                PreviousTags = previous is null ? default : EntryRecord.TagsBlock(RecordOf(previous)),
                Trackers = TakeTrackers(EntryRecord.Key(record)),
                Entry = entry,
                Context = _context,
            });
        }
    }

    private void RemoveAt(int index, int slot, RemovalCause cause)
    {
        Version++;
        if (_listener is not null)
        {
            byte[] record = RecordOf(_records[index]);
            _listener.OnChanged(new StoreChange
            {
                Partition = Partition,
                Version = Version,
                Kind = StoreChangeKind.Removed,
                Cause = cause,
                Key = EntryRecord.Key(record),
                Tags = EntryRecord.TagsBlock(record),
                Trackers = TakeTrackers(EntryRecord.Key(record)),
                Context = _context,
            });
        }

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

    private void RemoveIndex(int index, RemovalCause cause) => RemoveAt(index, SlotOf(index), cause);

    /// <summary>Keeps <see cref="TaggedCount"/>: entries change their tags only by being inserted, replaced or removed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountTags(object entry, int delta)
    {
        if (EntryRecord.HasTags(RecordOf(entry)))
        {
            Volatile.Write(ref _tagged, _tagged + delta);
        }
    }

    private static int TableLengthFor(int count)
    {
        long wanted = Math.Max(MinTableLength, count * 2L);
        return (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)wanted));
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
