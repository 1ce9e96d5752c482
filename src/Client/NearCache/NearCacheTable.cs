using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Grid.Client.NearCache;

/// <summary>
/// The near cache's entries without an object per entry (as the silo's store, DESIGN §3): parallel arrays indexed by
/// slot (key, value, <see cref="NearSlot"/>, CLOCK reference bit) and a chained hash index (a bucket holds its first
/// slot and a 32-bit filter of its chain's hashes, each slot the next one). Keeping or dropping an entry allocates nothing: the only objects per entry are
/// the caller's key string and the value array, so the GC sees a handful of big arrays instead of four small objects
/// per entry that live long enough to be promoted and then die (today's churn under a miss-heavy load).
/// <para>
/// Readers take no lock: <see cref="TryRead"/> walks a chain and validates the slot it matches by its seqlock version
/// (<see cref="NearSlot.Version"/>), so it returns a key, a copy of the value and metadata that were one entry at one
/// instant, or nothing. The copy is made inside that window because a writer may overwrite a held value's bytes in place
/// (<see cref="Overwrite"/>): no reader ever holds a stored array beyond it. Writers hold the store's lock (one writer at
/// a time). A removed slot keeps its chain link until reused, so a reader standing on it goes on along its chain; a
/// reused slot may lead a reader into another chain, where it finds nothing (a miss, never a wrong entry: the key is
/// compared, and chain walks are bounded). A table that was replaced by a bigger one is retired: reads still under way
/// on it fail their validation.
/// </para>
/// </summary>
internal sealed class NearCacheTable
{
    /// <summary>Longest chain walked: with at least one bucket per slot a chain is about one slot long; the bound only stops a reader led astray by slot reuse.</summary>
    private const int MaxChain = 64;

    private readonly string?[] _keys;
    private readonly byte[]?[] _values;
    private readonly NearSlot[] _slots;
    private readonly byte[] _referenced;
    // Each bucket: its chain's first slot + 1 in the low 32 bits (0: empty), and in the high 32 bits one bit per entry of
    // the chain (FilterBit of its hash). A lookup of a key whose bit is not set is a miss without reading any slot: most
    // lookups that miss (the common case of a near cache smaller than the working set, and of a write forgetting a key
    // it does not hold) touch one cache line instead of two or three.
    private readonly long[] _buckets;
    private readonly int[] _free;
    private readonly int _mask;
    private int _freeCount;
    private int _used;
    private volatile bool _retired;

    public NearCacheTable(int capacity)
    {
        _keys = new string?[capacity];
        _values = new byte[]?[capacity];
        _slots = new NearSlot[capacity];
        _referenced = new byte[capacity];
        _free = new int[capacity];
        int buckets = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity));
        _buckets = new long[buckets];
        _mask = buckets - 1;
    }

    /// <summary>Slots in this table.</summary>
    public int Capacity => _keys.Length;

    /// <summary>Slots ever used (the CLOCK hand sweeps these).</summary>
    public int Used => _used;

    /// <summary>Whether every slot holds an entry (writers only).</summary>
    public bool IsFull => _freeCount == 0 && _used == _keys.Length;

    /// <summary>The hash the table indexes a key by (also the admission filter's, so a miss hashes its key once).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HashOf(string key) => key.GetHashCode();

    /// <summary>
    /// Finds <paramref name="key"/> without a lock: the slot, a copy of its value (the caller's own) and its metadata as
    /// they were together at one instant, or -1 (not held, or changing under the read: a miss).
    /// </summary>
    public int TryRead(string key, int hash, out byte[] copy, out NearSlot entry)
    {
        int slot = Candidate(key, hash, out int version);

        // Acquire reads in order: the second version read cannot happen before the fields' reads.
        if (slot >= 0 && Volatile.Read(ref _values[slot]) is { } read)
        {
            // Copied before the version is checked again: a writer overwriting the bytes meanwhile changes it, and the
            // (possibly torn) copy is dropped.
            ref var s = ref _slots[slot];
            var bytes = read.AsSpan().ToArray();
            entry.Version = version;
            entry.Hash = hash;
            entry.Next = 0;
            entry.Partition = Volatile.Read(ref s.Partition);
            entry.Generation = Volatile.Read(ref s.Generation);
            entry.GlobalGeneration = Volatile.Read(ref s.GlobalGeneration);
            entry.ExpiresAtMs = Volatile.Read(ref s.ExpiresAtMs);
            entry.ReadSequence = Volatile.Read(ref s.ReadSequence);

            // The copy's plain loads must not pass the version's second read: x86 keeps loads in order; weaker memory
            // models need the fence.
            if (!X86Base.IsSupported)
            {
                Interlocked.MemoryBarrier();
            }

            if (Volatile.Read(ref s.Version) == version && !_retired)
            {
                copy = bytes;
                return slot;
            }
        }

        copy = null!;
        entry = default;
        return -1;
    }

    /// <summary>
    /// Whether a key with <paramref name="hash"/> may be held, without a lock: false only when it surely is not (a writer's
    /// quick check before it takes the lock and looks). One read of the key's bucket word, whose filter has the bit of every
    /// entry on the chain at every instant, then whether this table was replaced meanwhile (then: maybe). A lock-free walk
    /// of the chain would not do: a slot reused on another chain while the walk stands on it leads it astray, and a miss
    /// there is fine for a reader but made a removal skip a key it had to remove.
    /// </summary>
    public bool MayHold(int hash) => (Filter(Volatile.Read(ref _buckets[hash & _mask])) & FilterBit(hash)) != 0 || _retired;

    /// <summary>
    /// The first slot on <paramref name="key"/>'s chain that was stable (even <paramref name="version"/>) with this hash
    /// and key when looked at, or -1: the candidate a lock-free reader then validates by reading the version again.
    /// </summary>
    private int Candidate(string key, int hash, out int version)
    {
        // One atomic read of head and filter: the filter holds the bit of every entry on the chain from that head.
        int slot = FirstCandidate(Volatile.Read(ref _buckets[hash & _mask]), hash);
        for (int steps = 0; slot >= 0 && steps < MaxChain; steps++)
        {
            ref var s = ref _slots[slot];
            version = Volatile.Read(ref s.Version);
            if ((version & 1) == 0 && Volatile.Read(ref s.Hash) == hash
                && Volatile.Read(ref _keys[slot]) is { } held && string.Equals(held, key, StringComparison.Ordinal))
            {
                return slot;
            }

            slot = Volatile.Read(ref s.Next) - 1;
        }

        version = 0;
        return -1;
    }

    /// <summary>Notes a hit for CLOCK (written only when not set yet, so hot keys do not keep writing a shared line).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(int slot)
    {
        if (_referenced[slot] == 0)
        {
            _referenced[slot] = 1;
        }
    }

    /// <summary>The slot holding <paramref name="key"/>, or -1 (writers only: nothing changes meanwhile).</summary>
    public int FindLocked(string key, int hash)
    {
        int slot = FirstCandidate(_buckets[hash & _mask], hash);
        while (slot >= 0)
        {
            if (_slots[slot].Hash == hash && string.Equals(_keys[slot], key, StringComparison.Ordinal))
            {
                return slot;
            }

            slot = _slots[slot].Next - 1;
        }

        return -1;
    }

    /// <summary>Whether the slot holds an entry (writers only).</summary>
    public bool IsLive(int slot) => _keys[slot] is not null;

    /// <summary>The metadata of a slot (writers only).</summary>
    public ref readonly NearSlot EntryAt(int slot) => ref _slots[slot];

    /// <summary>The value length of a live slot (writers only).</summary>
    public int LengthAt(int slot) => _values[slot]!.Length;

    /// <summary>CLOCK's second chance: whether the slot was referenced since the hand last passed, clearing the bit.</summary>
    public bool TakeReference(int slot)
    {
        if (_referenced[slot] == 0)
        {
            return false;
        }

        _referenced[slot] = 0;
        return true;
    }

    /// <summary>Puts an entry in a free slot (writers only, not <see cref="IsFull"/>, key not held); returns the slot.</summary>
    public int Add(string key, int hash, byte[] value, int partition, int generation, int globalGeneration, long expiresAtMs, long readSequence)
    {
        int slot = _freeCount > 0 ? _free[--_freeCount] : _used++;
        int bucket = hash & _mask;
        ref var s = ref _slots[slot];

        // Odd: readers that reach the slot skip it. A full fence, so none of the writes below is seen before it.
        Interlocked.Increment(ref s.Version);
        _keys[slot] = key;
        s.Hash = hash;
        SetValueLocked(slot, value, partition, generation, globalGeneration, expiresAtMs, readSequence);
        long bucketWord = _buckets[bucket];
        s.Next = Head(bucketWord);

        // Even again (a release: every write above is seen before it), then reachable from its bucket, its bit with it.
        Volatile.Write(ref s.Version, s.Version + 1);
        Volatile.Write(ref _buckets[bucket], Word(slot + 1, Filter(bucketWord) | FilterBit(hash)));
        return slot;
    }

    /// <summary>
    /// Puts a new value of the same key, with its details, in the live <paramref name="slot"/> (writers only): the slot
    /// stays on its chain, so a client writing a key it holds pays neither an unlink nor a relink. Readers see the old
    /// entry or the new one, never a mix (the version is odd meanwhile, as for <see cref="Add"/>). Returns the old
    /// value's length.
    /// </summary>
    public int Replace(int slot, byte[] value, int partition, int generation, int globalGeneration, long expiresAtMs, long readSequence)
    {
        ref var s = ref _slots[slot];
        int length = _values[slot]!.Length;
        Interlocked.Increment(ref s.Version);
        SetValueLocked(slot, value, partition, generation, globalGeneration, expiresAtMs, readSequence);
        Volatile.Write(ref s.Version, s.Version + 1);
        return length;
    }

    /// <summary>
    /// Copies a new value of the held value's length over it, in place, with its details (writers only): no new array,
    /// so a client that keeps rewriting the keys it holds makes no garbage that outlives gen 0. Readers copy a value
    /// within the slot's seqlock (<see cref="TryRead"/>), so they get the old bytes or the new ones, never a mix.
    /// </summary>
    public void Overwrite(int slot, ReadOnlySpan<byte> value, int partition, int generation, int globalGeneration, long expiresAtMs, long readSequence)
    {
        ref var s = ref _slots[slot];
        Interlocked.Increment(ref s.Version);
        value.CopyTo(_values[slot]);
        SetDetailsLocked(slot, partition, generation, globalGeneration, expiresAtMs, readSequence);
        Volatile.Write(ref s.Version, s.Version + 1);
    }

    /// <summary>A slot's value and its details, written while its version is odd (<see cref="Add"/>, <see cref="Replace"/>).</summary>
    private void SetValueLocked(int slot, byte[] value, int partition, int generation, int globalGeneration, long expiresAtMs, long readSequence)
    {
        _values[slot] = value;
        SetDetailsLocked(slot, partition, generation, globalGeneration, expiresAtMs, readSequence);
    }

    /// <summary>A slot's details, written while its version is odd; a new value starts unreferenced.</summary>
    private void SetDetailsLocked(int slot, int partition, int generation, int globalGeneration, long expiresAtMs, long readSequence)
    {
        ref var s = ref _slots[slot];
        s.Partition = partition;
        s.Generation = generation;
        s.GlobalGeneration = globalGeneration;
        s.ExpiresAtMs = expiresAtMs;
        s.ReadSequence = readSequence;
        _referenced[slot] = 0;
    }

    /// <summary>Takes a live slot's entry out (writers only); returns the value's length.</summary>
    public int RemoveAt(int slot)
    {
        ref var s = ref _slots[slot];
        int bucket = s.Hash & _mask;
        int head = Head(_buckets[bucket]);
        if (head == slot + 1)
        {
            head = s.Next;
        }
        else
        {
            int previous = head - 1;
            while (previous >= 0 && _slots[previous].Next != slot + 1)
            {
                previous = _slots[previous].Next - 1;
            }

            if (previous >= 0)
            {
                // A reader on the previous slot follows either link: both lead on along the chain.
                Volatile.Write(ref _slots[previous].Next, s.Next);
            }
        }

        // The filter of what is left on the chain (the entry is unlinked: a reader that sees the new filter may miss
        // it, which is right; one that read the old word walks the chain as before).
        Volatile.Write(ref _buckets[bucket], Word(head, ChainFilter(head)));

        int length = _values[slot]!.Length;

        // The slot keeps its Next (a reader standing on it goes on along its chain) until it is reused.
        Interlocked.Increment(ref s.Version);
        _keys[slot] = null;
        _values[slot] = null;
        Volatile.Write(ref s.Version, s.Version + 1);
        _free[_freeCount++] = slot;
        return length;
    }

    /// <summary>
    /// A table of <paramref name="capacity"/> slots holding the same entries in the same slots (writers only). Publish
    /// it, then <see cref="Retire"/> this one.
    /// </summary>
    public NearCacheTable Grow(int capacity)
    {
        var bigger = new NearCacheTable(capacity);
        Array.Copy(_keys, bigger._keys, _used);
        Array.Copy(_values, bigger._values, _used);
        Array.Copy(_slots, bigger._slots, _used);
        Array.Copy(_referenced, bigger._referenced, _used);
        Array.Copy(_free, bigger._free, _freeCount);
        bigger._freeCount = _freeCount;
        bigger._used = _used;
        for (int slot = 0; slot < _used; slot++)
        {
            // Chains rebuilt for the new bucket count; nobody reads the new table before it is published.
            ref var s = ref bigger._slots[slot];
            if (bigger._keys[slot] is null)
            {
                s.Next = 0;
                continue;
            }

            int bucket = s.Hash & bigger._mask;
            long bucketWord = bigger._buckets[bucket];
            s.Next = Head(bucketWord);
            bigger._buckets[bucket] = Word(slot + 1, Filter(bucketWord) | FilterBit(s.Hash));
        }

        return bigger;
    }

    /// <summary>The bit of a hash in its bucket's filter: the top 5 bits pick it (buckets are indexed by the low bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint FilterBit(int hash) => 1u << (int)((uint)hash >> 27);

    /// <summary>The first slot of the bucket's chain a lookup of <paramref name="hash"/> walks, or -1 when the filter rules it out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstCandidate(long bucketWord, int hash) => (Filter(bucketWord) & FilterBit(hash)) != 0 ? Head(bucketWord) - 1 : -1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Head(long bucketWord) => (int)bucketWord;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Filter(long bucketWord) => (uint)(bucketWord >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Word(int head, uint filter) => ((long)filter << 32) | (uint)head;

    /// <summary>The filter of the chain from <paramref name="head"/> (slot + 1), walked by a writer.</summary>
    private uint ChainFilter(int head)
    {
        uint filter = 0;
        for (int slot = head - 1; slot >= 0; slot = _slots[slot].Next - 1)
        {
            filter |= FilterBit(_slots[slot].Hash);
        }

        return filter;
    }

    /// <summary>
    /// This table was replaced: reads still under way on it find nothing. The fence keeps the writer's next changes
    /// (on the new table) from being seen before a reader can see the table retired.
    /// </summary>
    public void Retire()
    {
        _retired = true;
        Interlocked.MemoryBarrier();
    }
}
