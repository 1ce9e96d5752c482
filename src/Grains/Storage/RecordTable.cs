using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Grid.Grains.Memory;

namespace Grid.Grains.Storage;

/// <summary>
/// The table engine of one partition: a dense sequence of entries (each a 4-byte handle: the address of its record in
/// the partition's <see cref="RecordArena"/>, or for a large record or a <see cref="ComplexEntry"/> (hashes and lists)
/// the slot of that object) with each entry's stored hash (16 bits) beside it, indexed by an open-addressing
/// <see cref="SlotIndex"/> (hash tag + entry index per slot, 2 bytes a slot up to 65,536 slots, linear probing,
/// tombstones), and the bytes they take, reported to the silo's memory account. Records are reached as spans
/// (<see cref="RecordAt"/>), valid until the table next changes. Removal moves the last entry into the hole so the
/// sequence stays dense, which makes random sampling (eviction) and sweeping (expiry) cheap. It knows nothing of
/// operations, expiry or listeners (see <see cref="Keyspace"/>); the caller holds the store's lock.
/// </summary>
/// <remarks>
/// No single operation pays for the table's growth (issue 16 item 3). The entries live in fixed-size chunks (the first
/// one grows by doubling up to <see cref="ChunkSize"/>, so a small partition stays small), so growing adds a chunk and
/// never copies the entries. The index is rebuilt incrementally, as Redis's dict rehashes: a resize (or a rebuild to
/// drop tombstones) allocates the new index and leaves the old one in place; every later insert or removal, and every
/// operation the store runs (<see cref="ContinueResize"/>), moves the entries of <see cref="MigrateSlotsPerStep"/> old
/// slots into the new index, using the stored hashes (no key is read or hashed again, except into a wide index, which
/// needs more hash bits than are kept: only partitions of over 49,152 entries have one). While both exist, lookups probe
/// the new index, then the old; inserts go to the new one only. A slot <see cref="Find"/> returns is the new index's
/// position, or the complement (negative) of the old index's.
/// <para>
/// Records up to <see cref="RecordArena.MaxRecordSize"/> bytes are copied into the arena's pages (issue 16 item 6: no
/// array, hence no 24-byte header, padding or 8-byte reference per entry); a replaced or removed record's space is
/// marked dead, and a page a quarter dead is compacted at the end of the operation that made it so: its live records
/// (found by key, a page's worth at most) move to the page being filled and their handles follow. Larger records and
/// structures are objects, as before, in a slot array beside the handles.
/// </para>
/// </remarks>
internal sealed class RecordTable
{
    /// <summary>Most entries one partition can hold (24-bit record indices).</summary>
    public const int MaxEntries = (1 << 24) - 2;

    /// <summary>Bytes accounted for a store beyond its arrays and entries (its objects and their headers).</summary>
    public const long StoreOverhead = 256;

    /// <summary>Entries per chunk: 4,096 handles take 16 KiB, below the large object heap's 85,000 bytes.</summary>
    internal const int ChunkSize = 1 << ChunkShift;

    /// <summary>Old index slots whose entries one insert or removal moves to the new index during a resize.</summary>
    /// <remarks>
    /// A resize under growth starts at 3/4 load into an index at most 2/3 full (<see cref="TableLengthFor"/>: 1.5 times
    /// the entries) and ends after old length / 16 operations, before the new index needs to grow again (at least an
    /// eighth of the entries, 3/32 of the old length, more inserts): two migrations never overlap under growth. 16 slots
    /// hold at most 12 entries (3/4 load), a bounded few hundred nanoseconds per operation (more, by a hash of each moved
    /// key, in the one rebuild into a wide index, see <see cref="HashAt"/>).
    /// </remarks>
    internal const int MigrateSlotsPerStep = 16;

    private const int ChunkShift = 12;
    private const int ChunkMask = ChunkSize - 1;
    private const uint EmptySlot = SlotIndex.Empty;
    private const int MinRecordCapacity = 4;
    private const int MinTableLength = SlotIndex.MinLength;
    private const long HashSeed = 0x5bd1_e995;

    /// <summary>A handle with this bit is the slot of an object (a large record or a structure); without it, an arena address.</summary>
    private const uint ObjectBit = 0x8000_0000;

    private readonly IMemoryAccount _memory;
    private readonly RecordArena _arena = new();

    // Entry i's handle is _handles[i >> ChunkShift][i & ChunkMask]; its stored hash (the low 16 bits of StoredHash, all
    // a narrow index needs) is at the same place in _hashes.
    // Only chunk 0 is ever smaller than ChunkSize, and only while it is the sole chunk.
    private uint[][] _handles;

    // _handles[0], held directly: below ChunkSize entries (most partitions) a handle is one load away, not two.
    private uint[] _firstHandles;
    private ushort[][] _hashes;
    private int _chunkCount;
    private int _capacity;

    // Entries that are objects (records over RecordArena.MaxRecordSize bytes, and ComplexEntry), by slot; free slots are stacked.
    private object?[] _objects = [];
    private int[] _freeObjects = [];
    private int _freeObjectCount;
    private int _objectCount;

    // Where records are built before they are copied into the arena: one per thread, not per partition (an operation
    // builds and copies its record without leaving the thread, under its store's lock).
    [ThreadStatic]
    private static byte[]? t_scratch;

    private SlotIndex _table;
    private SlotIndex? _old;
    private int _oldCursor;
    private int _oldLive;
    private int _count;
    private int _tagged;
    private int _expiring;
    private int _tombstones;
    private long _structureBytes;
    private long _bytes;
    private bool _outOfBudget;
    private long _accountedArena;

    public RecordTable(IMemoryAccount memory)
    {
        _memory = memory;
        StartEmpty();
        Account(StoreOverhead);
        UpdateStructureBytes();
    }

    /// <summary>Entries held (including expired ones not yet removed); readable without the lock.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Entries that carry at least one tag; readable without the lock.</summary>
    public int TaggedCount => Volatile.Read(ref _tagged);

    /// <summary>
    /// Entries with a deadline (an expiry that is not 0): the ones that can expire. Kept by every insert, replace and
    /// removal, and by <see cref="DeadlineChanged"/> for deadlines written in place.
    /// </summary>
    public int ExpiringCount => Volatile.Read(ref _expiring);

    /// <summary>Bytes accounted: entries, the arrays and <see cref="StoreOverhead"/>; readable without the lock.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Entry slots allocated (tests).</summary>
    internal int Capacity => _capacity;

    /// <summary>The index inserts go to (tests).</summary>
    internal SlotIndex IndexTable => _table;

    /// <summary>The index being migrated from, or null when no resize is under way (tests).</summary>
    internal SlotIndex? MigratingTable => _old;

    /// <summary>Tombstones in <see cref="IndexTable"/> (tests).</summary>
    internal int Tombstones => _tombstones;

    /// <summary>Entries still indexed by <see cref="MigratingTable"/> (tests).</summary>
    internal int MigratingEntries => _oldLive;

    /// <summary>The record pages (tests).</summary>
    internal RecordArena Arena => _arena;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong HashKey(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key, HashSeed);

    /// <summary>
    /// The 32 bits of a key hash the index works with: bits 24..55 of it. A narrow index needs only their low 16 (kept
    /// per entry, <see cref="HashAt"/>), a wide one all 32 (see <see cref="SlotIndex"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint StoredHash(ulong hash) => (uint)(hash >> 24);

    /// <summary>
    /// The stored hash of entry <paramref name="index"/>: the low 16 bits of its <see cref="StoredHash"/>, which hold
    /// both the home position and the tag in any narrow index (<see cref="SlotIndex"/>), so such an index is rebuilt
    /// from them alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ushort HashAt(int index) => _hashes[index >> ChunkShift][index & ChunkMask];

    /// <summary>
    /// What <paramref name="table"/> places entry <paramref name="index"/> by: its stored hash for a narrow index; for a
    /// wide one (partitions of over 49,152 entries) the full <see cref="StoredHash"/>, from its key hashed again.
    /// </summary>
    private uint PlacingHash(in SlotIndex table, int index) =>
        table.IsNarrow ? HashAt(index) : StoredHash(HashKey(EntryRecord.Key(RecordAt(index))));

    /// <summary>The handle of entry <paramref name="index"/>: its arena address, or its object slot with the top bit set (tests).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint HandleAt(int index) => HandleRef(index);

    /// <summary>Where entry <paramref name="index"/>'s handle is kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref uint HandleRef(int index) =>
        ref index < ChunkSize ? ref _firstHandles[index] : ref _handles[index >> ChunkShift][index & ChunkMask];

    /// <summary>
    /// The record (header, key, tags, value) of entry <paramref name="index"/> (0 to <see cref="Count"/> - 1): in its
    /// arena page, its own array, or its structure's. Writable in place (stamps, same-size rewrites); valid until the
    /// table next changes (an insert, replacement or removal may move records).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> RecordAt(int index)
    {
        uint handle = HandleAt(index);
        return (handle & ObjectBit) == 0 ? _arena.At(handle) : ObjectRecord(handle);
    }

    /// <summary>The hash or list at entry <paramref name="index"/>, or null for a string or counter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ComplexEntry? ComplexAt(int index)
    {
        uint handle = HandleAt(index);
        return (handle & ObjectBit) == 0 ? null : _objects[(int)(handle & ~ObjectBit)] as ComplexEntry;
    }

    /// <summary>
    /// Lookahead stage 1 for a lookup of <paramref name="hash"/> (see <see cref="PartitionStore.Prefetch"/>): starts
    /// loading its home slot in the index, the first handle chunk's header and the arena. Reads this table's own fields
    /// only (loaded by the stage before); safe without the store's lock (a torn or stale view only wastes the hint).
    /// </summary>
    public void PrefetchSlot(ulong hash)
    {
        _table.PrefetchHome(StoredHash(hash));
        CachePrefetch.Object(_firstHandles);
        CachePrefetch.Object(_arena);
    }

    /// <summary>Lookahead stage 2: reads the home slot and starts loading the handle of the entry it points at, and the arena's page table.</summary>
    public void PrefetchHandle(ulong hash)
    {
        if (PeekHomeEntry(hash) is >= 0 and < ChunkSize and var index)
        {
            CachePrefetch.Element(_firstHandles, index);
        }

        _arena.PrefetchPages();
    }

    /// <summary>Lookahead stage 3: reads that handle and starts loading the record (its page's header and first lines).</summary>
    public void PrefetchRecord(ulong hash)
    {
        var handles = _firstHandles;
        if (PeekHomeEntry(hash) is >= 0 and var index && index < handles.Length && handles[index] is var handle && (handle & ObjectBit) == 0)
        {
            _arena.PrefetchRecord(handle);
        }
    }

    /// <summary>
    /// The entry the home slot of <paramref name="hash"/> points at when its tag matches (the usual hit), else -1; read
    /// without the lock, so the answer is a guess for a hint only (checked reads, never trusted for a result).
    /// </summary>
    private int PeekHomeEntry(ulong hash)
    {
        uint h = StoredHash(hash);
        ref readonly var table = ref _table;
        uint s = table.PeekUnlocked(table.Home(h));
        return s == EmptySlot || s == table.Tombstone || !table.HasTag(s, table.TagOf(h)) ? -1 : table.EntryOf(s);
    }

    /// <summary>
    /// A buffer of at least <paramref name="size"/> bytes to build a record in before <see cref="Insert(ulong, int, ReadOnlySpan{byte}, byte[])"/>
    /// or <see cref="Replace(int, ReadOnlySpan{byte}, byte[])"/>: the thread's reused scratch for a record the arena keeps,
    /// a new array of exactly <paramref name="size"/> bytes (kept as is) for a larger one.
    /// </summary>
    public static byte[] BufferFor(int size) =>
        RecordArena.Fits(size) ? (t_scratch ??= new byte[RecordArena.MaxRecordSize]) : GC.AllocateUninitializedArray<byte>(size);

    /// <summary>Bytes entry <paramref name="index"/> takes, as accounted.</summary>
    internal long SizeAt(int index) => SizeOf(HandleAt(index));

    /// <summary>
    /// Bytes the arrays take, counted from the arrays themselves (tests compare it with what is accounted).
    /// </summary>
    internal long MeasureStructureBytes()
    {
        long total = EntryRecord.HeapSize(_handles.Length * 8) + EntryRecord.HeapSize(_hashes.Length * 8);
        for (int c = 0; c < _chunkCount; c++)
        {
            total += EntryRecord.HeapSize(_handles[c].Length * 4) + EntryRecord.HeapSize(_hashes[c].Length * 2);
        }

        total += _table.HeapBytes + _arena.OverheadBytes + ObjectSlotBytes();
        return _old is { } old ? total + old.HeapBytes : total;
    }

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

    /// <summary>
    /// Index of the entry with <paramref name="key"/>, or -1; <paramref name="slot"/> is its slot (negative when it is
    /// still in the index being migrated from), or where to insert it. Valid until the table next changes.
    /// </summary>
    public int Find(ReadOnlySpan<byte> key, ulong hash, out int slot) => Find(key, hash, out slot, out _);

    /// <summary><see cref="Find(ReadOnlySpan{byte}, ulong, out int)"/>, with the record found (empty on a miss): the hot paths read it once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> key, ulong hash, out int slot, out Span<byte> record)
    {
        uint h = StoredHash(hash);
        int index = Probe(_table, key, h, out slot, out record);
        if (index < 0 && _old is { } old)
        {
            // Not in the new index: it may not have been moved yet. A miss inserts into the new index (slot kept).
            int oldIndex = Probe(old, key, h, out int oldSlot, out record);
            if (oldIndex >= 0)
            {
                slot = ~oldSlot;
                return oldIndex;
            }
        }

        return index;
    }

    /// <summary>The index of the entry whose key hashes to <paramref name="hash"/> (tracking tables and the eviction pool know keys only by hash), or -1.</summary>
    public int FindByHash(ulong hash)
    {
        uint h = StoredHash(hash);
        int index = ProbeByHash(_table, hash, h);
        return index >= 0 || _old is not { } old ? index : ProbeByHash(old, hash, h);
    }

    /// <summary>The slot that points at entry <paramref name="index"/> (negative when in the index being migrated from).</summary>
    public int SlotOf(int index)
    {
        int pos = SlotIn(_table, PlacingHash(_table, index), index);
        return pos >= 0 || _old is not { } old ? pos : ~SlotIn(old, PlacingHash(old, index), index);
    }

    /// <summary>
    /// Adds a string or counter record at a slot <see cref="Find"/> returned (copied into the arena, or kept as
    /// <paramref name="array"/> when that is exactly the record and it is too large for a page); false when the
    /// partition is full. The entry is the last index (<see cref="Count"/> - 1).
    /// </summary>
    public bool Insert(ulong hash, int slot, ReadOnlySpan<byte> record, byte[]? array = null)
    {
        if (_count >= MaxEntries)
        {
            return false;
        }

        Add(hash, slot, Store(record, array));
        return true;
    }

    /// <summary>Adds a hash or list at a slot <see cref="Find"/> returned; false when the partition is full.</summary>
    public bool Insert(ulong hash, int slot, ComplexEntry entry)
    {
        if (_count >= MaxEntries)
        {
            return false;
        }

        Add(hash, slot, AddObject(entry));
        return true;
    }

    /// <summary>
    /// Puts a string or counter record in place of entry <paramref name="index"/> (same key). The replaced record's
    /// bytes stay readable through a span taken before, until the operation ends.
    /// </summary>
    public void Replace(int index, ReadOnlySpan<byte> record, byte[]? array = null) => Swap(index, Store(record, array));

    /// <summary>Puts a hash or list in place of entry <paramref name="index"/> (same key).</summary>
    public void Replace(int index, ComplexEntry entry) => Swap(index, AddObject(entry));

    /// <summary>Removes entry <paramref name="index"/> found at <paramref name="slot"/>; the last entry moves into its place.</summary>
    public void RemoveAt(int index, int slot)
    {
        uint removed = HandleAt(index);
        Account(-SizeOf(removed));
        CountKinds(removed, -1);
        if (slot >= 0)
        {
            _table[slot] = _table.Tombstone;
            _tombstones++;
        }
        else
        {
            // Old-index tombstones are not counted: nothing is ever inserted there, and it goes once emptied.
            var old = _old!.Value;
            old[~slot] = old.Tombstone;
            _oldLive--;
        }

        int last = _count - 1;
        if (index != last)
        {
            int movedSlot = SlotOf(last);
            HandleRef(index) = HandleAt(last);
            _hashes[index >> ChunkShift][index & ChunkMask] = HashAt(last);
            if (movedSlot >= 0)
            {
                _table[movedSlot] = _table.Repointed(_table[movedSlot], index);
            }
            else
            {
                var old = _old!.Value;
                old[~movedSlot] = old.Repointed(old[~movedSlot], index);
            }
        }

        Volatile.Write(ref _count, last);
        if (last == 0)
        {
            Reset();
            return;
        }

        Drop(removed);
        ShrinkRecords();
        if (_old is not null)
        {
            MigrateStep();
        }
        else if (_table.Length > MinTableLength && _count * 8L < _table.Length)
        {
            StartRebuild(TableLengthFor(_count));
        }
        else if (_tombstones > _table.Length / 4)
        {
            StartRebuild(_table.Length);
        }

        CompactPages();
    }

    private static long HeapSize(int elements, int elementSize) => EntryRecord.HeapSize(elements * elementSize);

    /// <summary>
    /// The index length for <paramref name="count"/> entries: the smallest at most 2/3 full, so the rebuild into it ends
    /// before it is 3/4 full (see <see cref="MigrateSlotsPerStep"/>).
    /// </summary>
    private static int TableLengthFor(int count) => SlotIndex.LengthAtLeast(count + (count / 2L) + 1);

    private Span<byte> ObjectRecord(uint handle)
    {
        object entry = _objects[(int)(handle & ~ObjectBit)]!;
        return entry as byte[] ?? Unsafe.As<ComplexEntry>(entry).Record;
    }

    private long SizeOf(uint handle)
    {
        if ((handle & ObjectBit) == 0)
        {
            return EntryRecord.Length(_arena.At(handle));
        }

        object entry = _objects[(int)(handle & ~ObjectBit)]!;
        return entry is byte[] r ? EntryRecord.HeapSize(r.Length) : Unsafe.As<ComplexEntry>(entry).HeapSize;
    }

    /// <summary>Keeps a record: in the arena when it fits, else as an object (the caller's exact array, or a copy).</summary>
    private uint Store(ReadOnlySpan<byte> record, byte[]? array)
    {
        if (RecordArena.Fits(record.Length))
        {
            uint address = _arena.Add(record);
            SyncStructureBytes();
            return address;
        }

        return AddObject(array is not null && array.Length == record.Length ? array : record.ToArray());
    }

    private uint AddObject(object entry)
    {
        int slot;
        if (_freeObjectCount > 0)
        {
            slot = _freeObjects[--_freeObjectCount];
        }
        else
        {
            if (_objectCount == _objects.Length)
            {
                int capacity = Math.Max(4, _objects.Length * 2);
                Array.Resize(ref _objects, capacity);
                Array.Resize(ref _freeObjects, capacity);
                UpdateStructureBytes();
            }

            slot = _objectCount++;
        }

        _objects[slot] = entry;
        return ObjectBit | (uint)slot;
    }

    /// <summary>Gives up what a handle held: arena space is marked dead (compacted later), an object slot is freed.</summary>
    private void Drop(uint handle)
    {
        if ((handle & ObjectBit) == 0)
        {
            _arena.Free(handle);
            SyncStructureBytes();
        }
        else
        {
            int slot = (int)(handle & ~ObjectBit);
            _objects[slot] = null;
            _freeObjects[_freeObjectCount++] = slot;
        }
    }

    private void Add(ulong hash, int slot, uint handle)
    {
        if (_count == _capacity)
        {
            GrowRecords();
        }

        int index = _count;
        uint h = StoredHash(hash);
        HandleRef(index) = handle;
        _hashes[index >> ChunkShift][index & ChunkMask] = (ushort)h;
        Volatile.Write(ref _count, index + 1);
        if (_table[slot] == _table.Tombstone)
        {
            _tombstones--;
        }

        _table[slot] = _table.SlotFor(h, index);
        Account(SizeOf(handle));
        CountKinds(handle, +1);

        // The step runs after the entry is placed: the slot the caller got from Find is only valid until now.
        if (_old is not null)
        {
            MigrateStep();
        }

        // Counting every entry (also those still in the old index) keeps the new index under 3/4 once all have moved.
        if ((_count + _tombstones) * 4L > _table.Length * 3L)
        {
            StartRebuild(TableLengthFor(_count));
        }

        CompactPages();
    }

    private void Swap(int index, uint handle)
    {
        ref uint place = ref HandleRef(index);
        uint previous = place;
        Account(SizeOf(handle) - SizeOf(previous));
        CountKinds(previous, -1);
        CountKinds(handle, +1);
        place = handle;
        Drop(previous);
        CompactPages();
    }

    /// <summary>
    /// Compacts the arena pages that became a quarter dead: each live record is found by its key (its entry's handle
    /// must be its address), moved to the page being filled, and its handle follows; the page then goes.
    /// </summary>
    private void CompactPages()
    {
        while (_arena.TryTakeCandidate(out int page))
        {
            int cursor = 0;
            while (_arena.NextLive(page, ref cursor, out uint address))
            {
                var key = EntryRecord.Key(_arena.At(address));
                int index = Find(key, HashKey(key), out _);
                if (index < 0 || HandleAt(index) != address)
                {
                    throw new InvalidOperationException($"A live record in page {page} at {address & (RecordArena.PageSize - 1)} belongs to no entry.");
                }

                HandleRef(index) = _arena.Move(address);
            }

            _arena.ReleaseCompacted(page);
            SyncStructureBytes();
        }
    }

    /// <summary>
    /// Looks <paramref name="key"/> up in one index: its entry index and
    /// <paramref name="pos"/> its position, or -1 with <paramref name="pos"/> the first tombstone or empty slot met (where
    /// it would be inserted).
    /// </summary>
    private int Probe(scoped in SlotIndex table, ReadOnlySpan<byte> key, uint h, out int pos, out Span<byte> record)
    {
        uint tag = table.TagOf(h);
        uint tombstone = table.Tombstone;
        int at = table.Home(h);
        int firstFree = -1;
        while (true)
        {
            uint s = table[at];
            if (s == EmptySlot)
            {
                pos = firstFree >= 0 ? firstFree : at;
                record = default;
                return -1;
            }

            if (s == tombstone)
            {
                if (firstFree < 0)
                {
                    firstFree = at;
                }
            }
            else if (table.HasTag(s, tag))
            {
                // The tag leaves a few false candidates (1 in 256 wide, 1 in 32 in a narrow index of 2,048 slots): the
                // key decides (the stored hash is not read, which would touch one more cache line on every hit).
                int index = table.EntryOf(s);
                var candidate = RecordAt(index);
                if (EntryRecord.Key(candidate).SequenceEqual(key))
                {
                    pos = at;
                    record = candidate;
                    return index;
                }
            }

            at = table.Next(at);
        }
    }

    private int ProbeByHash(in SlotIndex table, ulong hash, uint h)
    {
        uint tag = table.TagOf(h);
        for (int pos = table.Home(h); table[pos] != EmptySlot; pos = table.Next(pos))
        {
            uint s = table[pos];
            if (s != table.Tombstone && table.HasTag(s, tag))
            {
                int index = table.EntryOf(s);
                if (HashAt(index) == (ushort)h && HashKey(EntryRecord.Key(RecordAt(index))) == hash)
                {
                    return index;
                }
            }
        }

        return -1;
    }

    /// <summary>The position in <paramref name="table"/> pointing at entry <paramref name="index"/>, or -1.</summary>
    private static int SlotIn(in SlotIndex table, uint h, int index)
    {
        uint wanted = table.SlotFor(h, index);
        for (int pos = table.Home(h); ; pos = table.Next(pos))
        {
            uint s = table[pos];
            if (s == wanted)
            {
                return pos;
            }

            if (s == EmptySlot)
            {
                return -1;
            }
        }
    }

    private void Account(long delta)
    {
        _bytes += delta;
        if (!_outOfBudget)
        {
            _memory.Add(delta);
        }
    }

    /// <summary>
    /// Keeps <see cref="TaggedCount"/> and <see cref="ExpiringCount"/> as an entry is inserted, replaced or removed (the
    /// only ways its tags change; a deadline written in place is told through <see cref="DeadlineChanged"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountKinds(uint handle, int delta) => CountKinds((handle & ObjectBit) == 0 ? _arena.At(handle) : ObjectRecord(handle), delta);

    private void CountKinds(ReadOnlySpan<byte> record, int delta)
    {
        if (EntryRecord.HasTags(record))
        {
            Volatile.Write(ref _tagged, _tagged + delta);
        }

        if (EntryRecord.ExpiresAt(record) != 0)
        {
            Volatile.Write(ref _expiring, _expiring + delta);
        }
    }

    /// <summary>An entry's deadline was written in place, from <paramref name="before"/> to <paramref name="after"/> (0: none).</summary>
    public void DeadlineChanged(long before, long after)
    {
        if ((before != 0) != (after != 0))
        {
            Volatile.Write(ref _expiring, _expiring + (after != 0 ? 1 : -1));
        }
    }

    /// <summary>
    /// Gives a hash or list a new record (its header: type, expiry, tags), keeping the tagged and expiring counts and the
    /// accounted size right.
    /// </summary>
    public void ReplaceRecordOf(ComplexEntry entry, byte[] record)
    {
        CountKinds(entry.Record, -1);
        long before = entry.HeapSize;
        entry.Record = record;
        Account(entry.HeapSize - before);
        CountKinds(record, +1);
    }

    private long ObjectSlotBytes() => _objects.Length == 0 ? 0 : HeapSize(_objects.Length, 8) + HeapSize(_freeObjects.Length, 4);

    /// <summary>Accounts the arrays' size from the fields (O(1)): chunk 0 alone may be short; every further chunk is full.</summary>
    private void UpdateStructureBytes()
    {
        long size = HeapSize(_handles.Length, 8) + HeapSize(_hashes.Length, 8) + _table.HeapBytes;
        size += _chunkCount == 1
            ? HeapSize(_capacity, 4) + HeapSize(_capacity, 2)
            : _chunkCount * (HeapSize(ChunkSize, 4) + HeapSize(ChunkSize, 2));
        if (_old is not null)
        {
            size += _old.Value.HeapBytes;
        }

        _accountedArena = _arena.OverheadBytes;
        size += _accountedArena + ObjectSlotBytes();
        Account(size - _structureBytes);
        _structureBytes = size;
    }

    /// <summary>Re-accounts the structure when the arena's pages or page directory changed (cheap when they did not).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SyncStructureBytes()
    {
        long arena = _arena.OverheadBytes;
        if (arena != _accountedArena)
        {
            _accountedArena = arena;
            UpdateStructureBytes();
        }
    }

    /// <summary>
    /// Room for one more entry: chunk 0 doubles (copying at most <see cref="ChunkSize"/> / 2 handles) until it is
    /// full-size; after that a new chunk is added and nothing is copied but, rarely, the chunk directory.
    /// </summary>
    private void GrowRecords()
    {
        if (_chunkCount == 1 && _capacity < ChunkSize)
        {
            ResizeFirstChunk(Math.Min(ChunkSize, _capacity * 2));
        }
        else
        {
            if (_chunkCount == _handles.Length)
            {
                Array.Resize(ref _handles, _handles.Length * 2);
                Array.Resize(ref _hashes, _hashes.Length * 2);
            }

            _handles[_chunkCount] = new uint[ChunkSize];
            _hashes[_chunkCount] = new ushort[ChunkSize];
            _chunkCount++;
            _capacity += ChunkSize;
        }

        UpdateStructureBytes();
    }

    /// <summary>
    /// Gives memory back as entries go, a bounded amount per removal: the last chunk once the others are half a chunk
    /// from full (so churn at a chunk boundary does not allocate and free each time), and chunk 0, once alone, halves
    /// as before when under a quarter full.
    /// </summary>
    private void ShrinkRecords()
    {
        if (_chunkCount > 1)
        {
            // Half a chunk of hysteresis: after the release, ChunkSize / 2 inserts are needed before a chunk is added again.
            if (_count <= ((_chunkCount - 1) * ChunkSize) - (ChunkSize / 2))
            {
                _chunkCount--;
                _handles[_chunkCount] = null!;
                _hashes[_chunkCount] = null!;
                _capacity -= ChunkSize;
                UpdateStructureBytes();
            }
        }
        else if (_capacity > MinRecordCapacity && _count < _capacity / 4)
        {
            ResizeFirstChunk(Math.Max(MinRecordCapacity, _count * 2));
            UpdateStructureBytes();
        }
    }

    /// <summary>The initial arrays: one small chunk and the smallest index.</summary>
    [MemberNotNull(nameof(_firstHandles), nameof(_handles), nameof(_hashes), nameof(_table))]
    private void StartEmpty()
    {
        _firstHandles = new uint[MinRecordCapacity];
        _handles = [_firstHandles];
        _hashes = [new ushort[MinRecordCapacity]];
        _chunkCount = 1;
        _capacity = MinRecordCapacity;
        _table = new SlotIndex(MinTableLength);
    }

    /// <summary>Chunk 0, the only chunk, to <paramref name="capacity"/> entries (held in <see cref="_firstHandles"/> and the directory both).</summary>
    private void ResizeFirstChunk(int capacity)
    {
        Array.Resize(ref _firstHandles, capacity);
        _handles[0] = _firstHandles;
        Array.Resize(ref _hashes[0], capacity);
        _capacity = capacity;
    }

    /// <summary>The last entry went: back to the initial arrays at once (nothing is left to migrate, no page, no object).</summary>
    private void Reset()
    {
        StartEmpty();
        _old = null;
        _oldLive = 0;
        _tombstones = 0;
        _arena.Clear();
        _accountedArena = 0;
        _objects = [];
        _freeObjects = [];
        _freeObjectCount = 0;
        _objectCount = 0;
        UpdateStructureBytes();
    }

    /// <summary>
    /// One step of a resize under way (nothing when none is): called before each operation, reads included, so a
    /// partition whose last inserts left its index half-moved (its inserts stopped, its reads did not) finishes moving
    /// within old length / <see cref="MigrateSlotsPerStep"/> operations instead of probing both indexes on every lookup
    /// for good (a second index probe is a second cache miss per lookup). Redis's dict does the same step on lookups.
    /// No slot a caller got from <see cref="Find(ReadOnlySpan{byte}, ulong, out int)"/> may be held across it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ContinueResize()
    {
        if (_old is not null)
        {
            MigrateStep();
        }
    }

    /// <summary>
    /// Starts moving the index into a new one of <paramref name="tableLength"/> slots. A resize still under way is
    /// finished first (it cannot be under growth, see <see cref="MigrateSlotsPerStep"/>; removals' tombstones could
    /// bring it about, and a full index must not be left without empty slots).
    /// </summary>
    private void StartRebuild(int tableLength)
    {
        while (_old is not null)
        {
            MigrateStep();
        }

        _old = _table;
        _oldCursor = 0;
        _oldLive = _count;
        _table = new SlotIndex(tableLength);
        _tombstones = 0;
        UpdateStructureBytes();
        MigrateStep();
    }

    /// <summary>
    /// Moves the entries of the next <see cref="MigrateSlotsPerStep"/> old slots to the new index, from their stored
    /// hashes. A moved slot becomes a tombstone, not empty, so old probe chains through it still reach the entries
    /// behind it; the old index goes once it holds no entry.
    /// </summary>
    private void MigrateStep()
    {
        SlotIndex old = _old!.Value;
        int end = Math.Min(old.Length, _oldCursor + MigrateSlotsPerStep);
        for (int pos = _oldCursor; pos < end && _oldLive > 0; pos++)
        {
            uint s = old[pos];
            if (s != EmptySlot && s != old.Tombstone)
            {
                int index = old.EntryOf(s);
                PlaceNew(PlacingHash(_table, index), index);
                old[pos] = old.Tombstone;
                _oldLive--;
            }
        }

        _oldCursor = end;
        if (_oldLive == 0)
        {
            _old = null;
            UpdateStructureBytes();
        }
    }

    /// <summary>Points a slot of the new index at entry <paramref name="index"/> (in none of its slots yet): the first free slot of its probe chain.</summary>
    private void PlaceNew(uint h, int index)
    {
        SlotIndex table = _table;
        uint tombstone = table.Tombstone;
        int pos = table.Home(h);
        while (table[pos] != EmptySlot && table[pos] != tombstone)
        {
            pos = table.Next(pos);
        }

        if (table[pos] == tombstone)
        {
            _tombstones--;
        }

        table[pos] = table.SlotFor(h, index);
    }
}
