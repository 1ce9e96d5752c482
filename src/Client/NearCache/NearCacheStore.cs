using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Grid.Client.NearCache;

/// <summary>
/// The client's local copy of values read from the grid. Entries live in a <see cref="NearCacheTable"/> (struct arrays
/// and an int hash index: no object per entry beyond its key and value); reads take no lock (a seqlock per slot), and
/// every change (keep, remove, evict, grow, clear) takes one lock. Eviction is CLOCK (second chance), an LRU
/// approximation, within the entry and byte bounds; the table starts small and doubles up to the entry bound.
/// Each entry remembers its partition, that partition's generation and the invalidation sequence at which it was read:
/// dropping a partition (a lost invalidation, a move, a restart) only bumps the generation, and an invalidation that
/// predates the read (a sequence at or below the entry's) leaves the entry alone. An entry is served only while the
/// lease of the silo it came from is valid (<see cref="RenewLease"/>): a silo the client cannot reach stops counting
/// within the lease, and once a lease lapsed, everything read from that silo is dropped before it is renewed.
/// </summary>
internal sealed class NearCacheStore
{
    /// <summary>The table's first size: a small near cache in use costs little; a big one grows by doubling.</summary>
    private const int InitialCapacity = 1024;

    /// <summary>Buckets (by key hash) of <see cref="_writesEnded"/>: a collision only refuses to keep a written value.</summary>
    internal const int WriteStampBuckets = 16_384;

    private readonly ConcurrentDictionary<SiloAddress, SiloLease> _leases = new();
    private readonly NearPartitionState[] _partitions;
    private readonly Lock _lock = new();
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly ReReadFilter? _reReads;
    private readonly HotKeyHints? _hints;
    private readonly TimeProvider _time;
    private readonly long _ticksPerMs;
    private volatile NearCacheTable _table;
    private int _hand;
    private int _live;
    private long _bytes;
    private int _generation;
    private long _promotions;
    private long _invalidations;
    private long _partitionsDropped;
    private long _clears;
    private long _sequenceGaps;
    private volatile bool _hasFilled;

    // When this client's last tracked write of a key (by hash bucket) ended, on _writeClock: a written value is kept only
    // if no other tracked write of the key ended after it was sent (see TryKeepWritten).
    private readonly long[] _writesEnded = new long[WriteStampBuckets];
    private long _writeClock;

    public NearCacheStore(int partitionCount, int maxEntries, long maxBytes, TimeProvider time, NearCacheAdmission admission = NearCacheAdmission.All, bool followHotKeyHints = true)
    {
        _reReads = admission == NearCacheAdmission.ReRead ? new ReReadFilter(maxEntries) : null;
        _hints = _reReads is not null && followHotKeyHints ? new HotKeyHints() : null;
        _partitions = new NearPartitionState[partitionCount];
        for (int i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = new NearPartitionState();
        }

        _maxEntries = maxEntries;
        _table = new NearCacheTable(Math.Min(maxEntries, InitialCapacity));
        _maxBytes = maxBytes;
        _time = time;
        _ticksPerMs = Math.Max(1, time.TimestampFrequency / 1000);
    }

    /// <summary>
    /// Called with each key an invalidation removes (null: a whole partition), so reads of it already on their way to the
    /// grid are not shared with later readers (they may carry the value from before the change).
    /// </summary>
    public Action<string?>? Invalidated { get; set; }

    public StripedCounter Hits { get; } = new();

    public StripedCounter Misses { get; } = new();

    /// <summary>Reads that went to the grid without looking in the near cache (<see cref="NearCacheBypass"/>).</summary>
    public StripedCounter Bypassed { get; } = new();

    public long Promotions => Volatile.Read(ref _promotions);

    public long InvalidationsReceived => Volatile.Read(ref _invalidations);

    public long PartitionsDropped => Volatile.Read(ref _partitionsDropped);

    public long Clears => Volatile.Read(ref _clears);

    /// <summary>Invalidations that arrived so far past a missing one that it was taken for lost: each dropped the partition.</summary>
    public long SequenceGaps => Volatile.Read(ref _sequenceGaps);

    public int Count => Volatile.Read(ref _live);

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The store's clock in milliseconds (leases and entry lifetimes are measured on it).</summary>
    public long NowMs => _time.GetTimestamp() / _ticksPerMs;

    /// <summary>
    /// The silo confirmed this client's subscription for <paramref name="leaseMs"/> from <paramref name="sentAtMs"/> (when
    /// the renewal was sent, by <see cref="NowMs"/>). If the lease had lapsed meanwhile, everything read from the silo is
    /// dropped first: invalidations may have been missed while it could not be reached. Returns false in that case.
    /// </summary>
    public bool RenewLease(SiloAddress silo, long sentAtMs, long leaseMs)
    {
        var lease = _leases.GetOrAdd(silo, static _ => new SiloLease());
        bool lapsed = lease.HasLapsed(NowMs);
        if (lapsed)
        {
            DropSilo(silo);
        }

        lease.Extend(sentAtMs + leaseMs);
        return !lapsed;
    }

    /// <summary>A renewal with the silo failed: nothing read from it is served until a renewal succeeds (which then drops it all).</summary>
    public void LapseLease(SiloAddress silo) => _leases.GetOrAdd(silo, static _ => new SiloLease()).Lapse();

    /// <summary>Forgets the lease of a silo that left (what was read from it is dropped by <see cref="DropSilo"/>).</summary>
    public void ForgetLease(SiloAddress silo) => _leases.TryRemove(silo, out _);

    /// <summary>
    /// Whether a read of a key that missed (its <paramref name="hash"/> by <see cref="NearCacheTable.HashOf"/>) should be
    /// tracked and kept: always with <see cref="NearCacheAdmission.All"/>; with <see cref="NearCacheAdmission.ReRead"/>
    /// while there is room, then only for keys read lately before (so keys read once do not evict keys read often, nor
    /// cost a tracked read), and for keys a silo marked hot (<see cref="HintHot"/>). <paramref name="selective"/>: as if
    /// nearly full whatever the room (a bypassed near cache's sampled reads, <see cref="NearCacheBypass"/>: room left by
    /// writes and invalidations would otherwise let every sampled miss in, each a tracked read and a later invalidation).
    /// </summary>
    public bool Admits(int hash, bool selective = false)
    {
        if (_reReads is null)
        {
            return true;
        }

        // Every read is noted, even with room to spare, so the filter knows the keys when the near cache fills.
        bool seen = _reReads.SeenBefore(hash);
        return seen || (!selective && HasRoom()) || IsHinted(hash);
    }

    /// <summary>A silo marked the key with <paramref name="hash"/> hot: <see cref="Admits(int, bool)"/> lets it in from now on.</summary>
    public void HintHot(int hash) => _hints?.Add(hash);

    /// <summary><see cref="Admits(int, bool)"/> of a key.</summary>
    public bool Admits(string key) => Admits(NearCacheTable.HashOf(key));

    /// <summary>
    /// Whether the near cache was at least 15/16 full (by entries or bytes) since it started or was last cleared: it has
    /// been through a fill, so its hit ratio says what its size gets from the workload. Stays true when writes and
    /// invalidations then take entries out (a write-heavy load keeps a full near cache just below the mark).
    /// </summary>
    public bool HasFilled => _hasFilled;

    /// <summary>Whether a silo marked the key with <paramref name="hash"/> hot (<see cref="HintHot"/>; false when hints are not followed).</summary>
    public bool IsHinted(int hash) => _hints is not null && _hints.Contains(hash);

    /// <summary>Less than 15/16 full by entries and by bytes.</summary>
    private bool HasRoom() =>
        Volatile.Read(ref _live) < _maxEntries - (_maxEntries >> 4) && Volatile.Read(ref _bytes) < _maxBytes - (_maxBytes >> 4);

    /// <summary>A copy of the value when a fresh one is held: the caller's own (the held bytes may be overwritten in place).</summary>
    public bool TryGet(string key, out byte[] value) => TryGet(key, NearCacheTable.HashOf(key), out value);

    /// <summary><see cref="TryGet(string, out byte[])"/> with the key's hash already computed (a miss then reuses it for admission).</summary>
    public bool TryGet(string key, int hash, out byte[] value)
    {
        var table = _table;
        int slot = table.TryRead(key, hash, out value, out var entry);
        if (slot >= 0)
        {
            if (!IsFresh(in entry, NowMs))
            {
                RemoveStale(key, hash);
            }
            else if (Volatile.Read(ref _partitions[entry.Partition].Ahead) == 0)
            {
                table.Touch(slot);
                Hits.Increment();
                return true;
            }

            // Else its partition waits for an overtaken invalidation (NearPartitionState.Ahead), which may be for this
            // key: a miss, and the copy stays for when the invalidation arrives (or goes with the partition).
        }

        Misses.Increment();
        value = null!;
        return false;
    }

    /// <summary>
    /// Keeps a value read from the grid, unless an invalidation of this key newer than the read was already applied
    /// (or may have been: the partition's recent invalidations do not reach back to the read). <paramref name="readSequence"/>
    /// is the partition's invalidation sequence for this client when the silo served the read.
    /// </summary>
    /// <remarks>
    /// The store takes <paramref name="value"/> over when it keeps a new array; when the key is held with a value of the
    /// same length, the bytes are copied into the held array instead (see <see cref="NearCacheTable.Overwrite"/>).
    /// </remarks>
    public bool TrySet(string key, byte[] value, int partition, SiloAddress silo, long epoch, long readSequence, TimeSpan timeToLive) =>
        TrySet(key, NearCacheTable.HashOf(key), value, value, partition, silo, epoch, readSequence, timeToLive);

    /// <summary>
    /// <see cref="TrySet(string, byte[], int, SiloAddress, long, long, TimeSpan)"/> with the key's hash
    /// (<see cref="NearCacheTable.HashOf"/>) already computed. <paramref name="bytes"/> is the value; <paramref name="array"/>
    /// is the same bytes as an array the store may keep, or null when it must make its own copy if it needs a new array.
    /// </summary>
    private bool TrySet(string key, int hash, byte[]? array, ReadOnlySpan<byte> bytes, int partition, SiloAddress silo, long epoch, long readSequence, TimeSpan timeToLive)
    {
        int length = bytes.Length;
        if (length > _maxBytes)
        {
            return false;
        }

        long expiresAt = NowMs + Math.Max(1, (long)timeToLive.TotalMilliseconds);
        var state = _partitions[partition];
        lock (state)
        {
            if (!silo.Equals(state.Silo) || epoch != state.Epoch)
            {
                if (state.SeenBefore(silo, epoch, out long seen) && seen > readSequence)
                {
                    // A late answer from a silo the partition was held from before: invalidations newer than the read
                    // came from it since (its hand-off among them), so the value may be stale and that silo no longer
                    // tells us about the key.
                    return false;
                }

                // First value from this silo incarnation for the partition: what came from elsewhere is not tracked here.
                Adopt(state, silo, epoch, readSequence);
            }
            else if (state.HighestSequence > readSequence && state.MayHaveInvalidatedSince(key, readSequence))
            {
                return false;
            }

            // Added while the partition's lock is held: an invalidation of the key is then recorded either before (and
            // refused above) or after the entry is in the table (and removes it), never in between.
            int globalGeneration = Volatile.Read(ref _generation);
            lock (_lock)
            {
                var table = _table;
                int old = table.FindLocked(key, hash);
                if (old >= 0 && table.LengthAt(old) == length)
                {
                    // The key is held with a value of this length (a client rewriting what it reads, the common case):
                    // the bytes go into the held array, so keeping them allocates nothing that outlives gen 0 and leaves
                    // no old array to die in gen 2, where a write-heavy near cache otherwise keeps background GCs busy.
                    table.Overwrite(old, bytes, partition, state.Generation, globalGeneration, expiresAt, readSequence);
                }
                else if (old >= 0 && _bytes - table.LengthAt(old) + length <= _maxBytes)
                {
                    // Held with another length: the new value takes the old one's slot.
                    int replaced = table.Replace(old, array ?? bytes.ToArray(), partition, state.Generation, globalGeneration, expiresAt, readSequence);
                    Volatile.Write(ref _bytes, _bytes - replaced + length);
                }
                else
                {
                    if (old >= 0)
                    {
                        RemoveLocked(table, old);
                    }

                    table = MakeRoomLocked(length);
                    table.Add(key, hash, array ?? bytes.ToArray(), partition, state.Generation, globalGeneration, expiresAt, readSequence);
                    Volatile.Write(ref _live, _live + 1);
                    Volatile.Write(ref _bytes, _bytes + length);
                }

                // A larger value in place may fill the byte bound as much as a new entry does.
                if (!_hasFilled && !HasRoom())
                {
                    _hasFilled = true;
                }
            }
        }

        Interlocked.Increment(ref _promotions);
        return true;
    }

    /// <summary>The write clock now: a tracked write reads it when it is sent, for <see cref="TryKeepWritten"/>.</summary>
    public long WriteClock => Volatile.Read(ref _writeClock);

    /// <summary>
    /// Keeps the value this client wrote (answered tracked at <paramref name="sequence"/>), unless another tracked write
    /// of the key by this client ended after this one was sent (<paramref name="sentAt"/>, by <see cref="WriteClock"/>):
    /// the silos do not push a client's own writes back to it when it holds the key only through them (see the silo's
    /// <c>NearCacheTracking.BeginOwnWrite</c>), so an answer that arrives after a later write's answer, or after a later
    /// write failed (it may still have applied), would otherwise be kept over the newer value for good. Either way this
    /// write's end is noted, under the partition's lock, so two answers for one key are judged one after the other.
    /// <paramref name="hash"/> is the key's (<see cref="NearCacheTable.HashOf"/>), computed once by the caller.
    /// </summary>
    /// <remarks><paramref name="value"/> is copied (into the held array when its length matches): the caller keeps its buffer.</remarks>
    public bool TryKeepWritten(string key, int hash, ReadOnlySpan<byte> value, int partition, SiloAddress silo, long epoch, long sequence, TimeSpan timeToLive, long sentAt)
    {
        var state = _partitions[partition];
        lock (state)
        {
            return !WriteEndedLocked(hash, sentAt) && TrySet(key, hash, null, value, partition, silo, epoch, sequence, timeToLive);
        }
    }

    /// <summary>
    /// A tracked write of the key ended without its value being kept (it failed or got no answer, and may still apply on
    /// the grid, or its answer was not keepable): the copy goes, and no earlier write's answer is kept after it.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="hash">Its hash (<see cref="NearCacheTable.HashOf"/>).</param>
    /// <param name="partition">Its partition.</param>
    public void WriteEnded(string key, int hash, int partition)
    {
        lock (_partitions[partition])
        {
            WriteEndedLocked(hash, long.MaxValue);
        }

        Remove(key, hash);
    }

    /// <summary>Notes a tracked write's end; true when another write of the key (bucket) ended after <paramref name="sentAt"/>.</summary>
    private bool WriteEndedLocked(int hash, long sentAt)
    {
        ref long ended = ref _writesEnded[(uint)hash % WriteStampBuckets];
        bool overtaken = Volatile.Read(ref ended) > sentAt;
        Volatile.Write(ref ended, Interlocked.Increment(ref _writeClock));
        return overtaken;
    }

    /// <summary>Forgets a key (a local write). A key not held (the common case) mostly costs one lock-free read of its bucket.</summary>
    public void Remove(string key) => Remove(key, NearCacheTable.HashOf(key));

    /// <summary><see cref="Remove(string)"/> with the key's hash (<see cref="NearCacheTable.HashOf"/>) already computed.</summary>
    public void Remove(string key, int hash)
    {
        if (!_table.MayHold(hash))
        {
            return;
        }

        lock (_lock)
        {
            var table = _table;
            int slot = table.FindLocked(key, hash);
            if (slot >= 0)
            {
                RemoveLocked(table, slot);
            }
        }
    }

    /// <summary>
    /// Applies one invalidation from <paramref name="silo"/>: the key's copy goes unless it was read after the change;
    /// a gap in the sequence (or a null key, a partition reset) drops the whole partition.
    /// </summary>
    public void Invalidate(SiloAddress silo, long epoch, int partition, long sequence, string? key)
    {
        Interlocked.Increment(ref _invalidations);
        if ((uint)partition >= (uint)_partitions.Length)
        {
            return;
        }

        var state = _partitions[partition];
        lock (state)
        {
            if (!silo.Equals(state.Silo) || epoch != state.Epoch)
            {
                if (state.SeenBefore(silo, epoch, out _))
                {
                    // From a silo the partition was held from before: what we hold now came from elsewhere, later. Remember
                    // how far that silo got, so a late answer from it is not taken.
                    state.AdvancePrevious(silo, epoch, sequence);
                    return;
                }

                // News about a partition we do not hold from that silo: whatever we hold of it may be stale.
                Adopt(state, silo, epoch, sequence);
            }
            else if (key is null)
            {
                // A partition reset: nothing of the partition can be trusted. (One at or below the last contiguous
                // sequence was applied already, or a later restart dropped everything since.)
                if (sequence > state.LastSequence)
                {
                    Drop(state);
                    state.Restart(sequence);
                }

                return;
            }
            else if (state.Arrive(sequence, key) == NearPartitionState.Arrival.TooFarAhead)
            {
                // So far past the ones still missing that one was lost: nothing of the partition can be trusted. (One
                // that overtook a few others is applied, and the partition is not served until they arrive.)
                Interlocked.Increment(ref _sequenceGaps);
                Drop(state);
                state.Restart(sequence);
                return;
            }
        }

        if (key is not null)
        {
            RemoveIfReadBefore(key, partition, sequence);
        }

        Invalidated?.Invoke(key);
    }

    /// <summary>Whether the partition, held from <paramref name="silo"/>, has not yet applied invalidation <paramref name="sequence"/>.</summary>
    public bool IsBehind(SiloAddress silo, long epoch, int partition, long sequence)
    {
        var state = _partitions[partition];
        lock (state)
        {
            return silo.Equals(state.Silo) && epoch == state.Epoch && state.LastSequence < sequence;
        }
    }

    /// <summary>Drops the partition if it is still behind <paramref name="sequence"/> (its pushes are late), counting on from there.</summary>
    public void DropIfBehind(SiloAddress silo, long epoch, int partition, long sequence)
    {
        var state = _partitions[partition];
        lock (state)
        {
            if (silo.Equals(state.Silo) && epoch == state.Epoch && state.LastSequence < sequence)
            {
                Drop(state);
                state.Restart(sequence);
            }
        }
    }

    /// <summary>Drops every partition last filled from <paramref name="silo"/> (it left, restarted or lost our subscription).</summary>
    public void DropSilo(SiloAddress silo)
    {
        foreach (var state in _partitions)
        {
            lock (state)
            {
                if (silo.Equals(state.Silo))
                {
                    Drop(state);
                    state.Silo = null;
                }
            }
        }
    }

    /// <summary>Drops everything (the connection to the cluster was lost).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        foreach (var state in _partitions)
        {
            lock (state)
            {
                state.Silo = null;
            }
        }

        lock (_lock)
        {
            // A fresh table instead of emptying this one: reads still under way on the old one find nothing, and the
            // memory of a grown table goes back.
            var old = _table;
            _table = new NearCacheTable(Math.Min(_maxEntries, InitialCapacity));
            old.Retire();
            _hand = 0;
            Volatile.Write(ref _live, 0);
            Volatile.Write(ref _bytes, 0);
            _hasFilled = false;
        }

        // Counted once done, so whoever sees the count sees an empty near cache.
        Interlocked.Increment(ref _clears);
    }

    private bool IsFresh(in NearSlot entry, long now)
    {
        var state = _partitions[entry.Partition];
        return entry.ExpiresAtMs > now
            && entry.Generation == Volatile.Read(ref state.Generation)
            && entry.GlobalGeneration == Volatile.Read(ref _generation)
            && Volatile.Read(ref state.Lease) is { } lease && lease.IsValid(now);
    }

    private void Adopt(NearPartitionState state, SiloAddress silo, long epoch, long sequence)
    {
        if (state.Silo is not null)
        {
            Drop(state);
            state.RememberPrevious(state.Silo, state.Epoch, state.HighestSequence);
        }

        state.ForgetPrevious(silo, epoch);
        state.Silo = silo;
        state.Epoch = epoch;
        Volatile.Write(ref state.Lease, _leases.GetOrAdd(silo, static _ => new SiloLease()));
        state.Restart(sequence);
    }

    private void Drop(NearPartitionState state)
    {
        Interlocked.Increment(ref state.Generation);
        Interlocked.Increment(ref _partitionsDropped);
    }

    /// <summary>A read found the key's copy stale (expired, dropped, lease lapsed): it goes, if it is still that copy.</summary>
    private void RemoveStale(string key, int hash)
    {
        long now = NowMs;
        lock (_lock)
        {
            var table = _table;
            int slot = table.FindLocked(key, hash);
            if (slot >= 0 && !IsFresh(in table.EntryAt(slot), now))
            {
                RemoveLocked(table, slot);
            }
        }
    }

    /// <summary>An invalidation of <paramref name="key"/> at <paramref name="sequence"/>: its copy goes unless it was read after it.</summary>
    private void RemoveIfReadBefore(string key, int partition, long sequence)
    {
        int hash = NearCacheTable.HashOf(key);
        if (!_table.MayHold(hash))
        {
            return;
        }

        lock (_lock)
        {
            var table = _table;
            int slot = table.FindLocked(key, hash);
            if (slot >= 0 && table.EntryAt(slot).Partition == partition && table.EntryAt(slot).ReadSequence < sequence)
            {
                RemoveLocked(table, slot);
            }
        }
    }

    private void RemoveLocked(NearCacheTable table, int slot)
    {
        int length = table.RemoveAt(slot);
        Volatile.Write(ref _live, _live - 1);
        Volatile.Write(ref _bytes, _bytes - length);
    }

    /// <summary>
    /// Makes room for an entry of <paramref name="incomingBytes"/>: grows the table while it is below the entry bound,
    /// else CLOCK evicts unreferenced or stale entries until the entry and byte bounds allow it. Returns the table to add to.
    /// </summary>
    private NearCacheTable MakeRoomLocked(int incomingBytes)
    {
        var table = _table;
        long now = NowMs;

        // Two turns of the hand clear every reference bit and evict; past them (readers kept setting bits meanwhile)
        // the hand evicts what it passes, so a writer never waits on readers.
        int budget = 2 * table.Capacity;
        while (_live >= _maxEntries || (_live > 0 && _bytes + incomingBytes > _maxBytes) || table.IsFull)
        {
            if (table.IsFull && _live < _maxEntries)
            {
                var bigger = table.Grow((int)Math.Min(_maxEntries, 2L * table.Capacity));
                _table = bigger;
                table.Retire();
                table = bigger;
                continue;
            }

            if (_hand >= table.Used)
            {
                _hand = 0;
            }

            int slot = _hand++;
            bool secondChance = budget-- > 0;
            if (table.IsLive(slot) && !(secondChance && table.TakeReference(slot) && IsFresh(in table.EntryAt(slot), now)))
            {
                RemoveLocked(table, slot);
            }
        }

        return table;
    }
}
