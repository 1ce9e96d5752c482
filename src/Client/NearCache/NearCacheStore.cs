using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Grid.Client.NearCache;

/// <summary>
/// The client's local copy of values read from the grid. Reads and removals are lock-free (a concurrent dictionary, a
/// reference bit, a dead flag); inserts take one lock and evict by CLOCK (second chance), an LRU approximation, to stay
/// within the entry and byte bounds, reclaiming the ring slots of removed entries as the hand passes them.
/// Each entry remembers its partition, that partition's generation and the invalidation sequence at which it was read:
/// dropping a partition (a lost invalidation, a move, a restart) only bumps the generation, and an invalidation that
/// predates the read (a sequence at or below the entry's) leaves the entry alone. An entry is served only while the
/// lease of the silo it came from is valid (<see cref="RenewLease"/>): a silo the client cannot reach stops counting
/// within the lease, and once a lease lapsed, everything read from that silo is dropped before it is renewed.
/// </summary>
internal sealed class NearCacheStore
{
    private readonly ConcurrentDictionary<string, NearEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SiloAddress, SiloLease> _leases = new();
    private readonly PartitionState[] _partitions;
    private readonly NearEntry?[] _ring;
    private readonly Lock _ringLock = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly long _maxBytes;
    private readonly ReReadFilter? _reReads;
    private readonly TimeProvider _time;
    private readonly long _ticksPerMs;
    private int _hand;
    private int _nextUnused;
    private int _live;
    private long _bytes;
    private int _generation;
    private long _promotions;
    private long _invalidations;
    private long _partitionsDropped;
    private long _clears;

    public NearCacheStore(int partitionCount, int maxEntries, long maxBytes, TimeProvider time, NearCacheAdmission admission = NearCacheAdmission.All)
    {
        _reReads = admission == NearCacheAdmission.ReRead ? new ReReadFilter(maxEntries) : null;
        _partitions = new PartitionState[partitionCount];
        for (int i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = new PartitionState();
        }

        _ring = new NearEntry?[maxEntries];
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

    public long Promotions => Volatile.Read(ref _promotions);

    public long InvalidationsReceived => Volatile.Read(ref _invalidations);

    public long PartitionsDropped => Volatile.Read(ref _partitionsDropped);

    public long Clears => Volatile.Read(ref _clears);

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
    /// Whether a read of <paramref name="key"/> that missed should be tracked and kept: always with
    /// <see cref="NearCacheAdmission.All"/>; with <see cref="NearCacheAdmission.ReRead"/> while there is room, then only
    /// for keys read lately before (so keys read once do not evict keys read often, nor cost a tracked read).
    /// </summary>
    public bool Admits(string key)
    {
        if (_reReads is null)
        {
            return true;
        }

        // Every read is noted, even with room to spare, so the filter knows the keys when the near cache fills.
        bool seen = _reReads.SeenBefore(key.GetHashCode());
        return seen || HasRoom();
    }

    /// <summary>Less than 15/16 full by entries and by bytes.</summary>
    private bool HasRoom() =>
        Volatile.Read(ref _live) < _ring.Length - (_ring.Length >> 4) && Volatile.Read(ref _bytes) < _maxBytes - (_maxBytes >> 4);

    /// <summary>The value when a fresh copy is held (the stored array: callers hand out copies or only read it).</summary>
    public bool TryGet(string key, out byte[] value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (IsFresh(entry, NowMs))
            {
                entry.Referenced = true;
                value = entry.Value;
                Hits.Increment();
                return true;
            }

            Remove(entry);
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
    public bool TrySet(string key, byte[] value, int partition, SiloAddress silo, long epoch, long readSequence, TimeSpan timeToLive)
    {
        if (value.Length > _maxBytes)
        {
            return false;
        }

        var state = _partitions[partition];
        int generation;
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
            else if (state.LastSequence > readSequence && state.MayHaveInvalidatedSince(key, readSequence))
            {
                return false;
            }

            generation = state.Generation;
        }

        long ttl = Math.Max(1, (long)timeToLive.TotalMilliseconds);
        var entry = new NearEntry(key, value, partition, generation, Volatile.Read(ref _generation), NowMs + ttl, readSequence);
        lock (_ringLock)
        {
            if (_entries.TryGetValue(key, out var old))
            {
                Remove(old);
            }

            MakeRoomLocked(value.Length);
            entry.Slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _nextUnused++;
            _ring[entry.Slot] = entry;
            _entries[key] = entry;
            Interlocked.Increment(ref _live);
            Interlocked.Add(ref _bytes, value.Length);
        }

        Interlocked.Increment(ref _promotions);
        return true;
    }

    /// <summary>Forgets a key (a local write).</summary>
    public void Remove(string key)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            Remove(entry);
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
            else if (sequence <= state.LastSequence)
            {
                // Already seen.
            }
            else if (sequence != state.LastSequence + 1 || key is null)
            {
                // A gap (a lost message) or a partition reset: nothing of the partition can be trusted.
                Drop(state);
                state.Restart(sequence);
                return;
            }
            else
            {
                state.Record(sequence, key);
            }
        }

        if (key is not null && _entries.TryGetValue(key, out var entry) && entry.Partition == partition && entry.ReadSequence < sequence)
        {
            Remove(entry);
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

        foreach (var entry in _entries.Values)
        {
            Remove(entry);
        }

        // Counted once done, so whoever sees the count sees an empty near cache.
        Interlocked.Increment(ref _clears);
    }

    private bool IsFresh(NearEntry entry, long now)
    {
        var state = _partitions[entry.Partition];
        return entry.ExpiresAtMs > now
            && entry.Generation == Volatile.Read(ref state.Generation)
            && entry.GlobalGeneration == Volatile.Read(ref _generation)
            && Volatile.Read(ref state.Lease) is { } lease && lease.IsValid(now);
    }

    private void Adopt(PartitionState state, SiloAddress silo, long epoch, long sequence)
    {
        if (state.Silo is not null)
        {
            Drop(state);
            state.RememberPrevious(state.Silo, state.Epoch, state.LastSequence);
        }

        state.ForgetPrevious(silo, epoch);
        state.Silo = silo;
        state.Epoch = epoch;
        Volatile.Write(ref state.Lease, _leases.GetOrAdd(silo, static _ => new SiloLease()));
        state.Restart(sequence);
    }

    private void Drop(PartitionState state)
    {
        Interlocked.Increment(ref state.Generation);
        Interlocked.Increment(ref _partitionsDropped);
    }

    /// <summary>Takes an entry out (once); its ring slot is reclaimed when the CLOCK hand passes it.</summary>
    private void Remove(NearEntry entry)
    {
        if (!entry.Kill())
        {
            return;
        }

        _entries.TryRemove(new KeyValuePair<string, NearEntry>(entry.Key, entry));
        Interlocked.Decrement(ref _live);
        Interlocked.Add(ref _bytes, -entry.Value.Length);
    }

    /// <summary>CLOCK: reclaims dead slots and evicts unreferenced or stale entries until the new one fits.</summary>
    private void MakeRoomLocked(int incomingBytes)
    {
        long now = NowMs;
        while (Volatile.Read(ref _live) >= _ring.Length
            || (Volatile.Read(ref _live) > 0 && Volatile.Read(ref _bytes) + incomingBytes > _maxBytes)
            || (_freeSlots.Count == 0 && _nextUnused == _ring.Length))
        {
            if (_ring[_hand] is { } candidate)
            {
                if (!candidate.IsDead && candidate.Referenced && IsFresh(candidate, now))
                {
                    candidate.Referenced = false;
                }
                else
                {
                    Remove(candidate);
                    _ring[_hand] = null;
                    _freeSlots.Push(_hand);
                }
            }

            _hand = (_hand + 1) % _ring.Length;
        }
    }

    private sealed class NearEntry(string key, byte[] value, int partition, int generation, int globalGeneration, long expiresAtMs, long readSequence)
    {
        private int _dead;

        public string Key { get; } = key;

        public byte[] Value { get; } = value;

        public int Partition { get; } = partition;

        public int Generation { get; } = generation;

        public int GlobalGeneration { get; } = globalGeneration;

        public long ExpiresAtMs { get; } = expiresAtMs;

        /// <summary>The partition's invalidation sequence when the value was read: older invalidations do not apply to it.</summary>
        public long ReadSequence { get; } = readSequence;

        public int Slot { get; set; } = -1;

        public volatile bool Referenced;

        public bool IsDead => Volatile.Read(ref _dead) != 0;

        /// <summary>Marks the entry removed; true for the one caller that did it.</summary>
        public bool Kill() => Interlocked.Exchange(ref _dead, 1) == 0;
    }

    /// <summary>
    /// Where a partition's near-cache entries came from, how far its invalidations got, and the last few invalidated
    /// keys (so a value read just before them can still be kept when none of them was its key).
    /// </summary>
    private sealed class PartitionState
    {
        private const int RecentCapacity = 64;
        private readonly (long Sequence, string Key)[] _recent = new (long, string)[RecentCapacity];
        private int _recentCount;
        private int _recentNext;

        public SiloAddress? Silo;
        public SiloLease? Lease;
        public long Epoch;
        public long LastSequence;
        public int Generation;

        private const int PreviousCapacity = 4;
        private (SiloAddress Silo, long Epoch, long LastSequence)[]? _previous;
        private int _previousNext;

        /// <summary>Remembers how far invalidations from a silo the partition is no longer held from got (a few, oldest replaced).</summary>
        public void RememberPrevious(SiloAddress silo, long epoch, long lastSequence)
        {
            _previous ??= new (SiloAddress, long, long)[PreviousCapacity];
            for (int i = 0; i < _previous.Length; i++)
            {
                if (_previous[i].Silo is { } known && known.Equals(silo) && _previous[i].Epoch == epoch)
                {
                    _previous[i].LastSequence = Math.Max(_previous[i].LastSequence, lastSequence);
                    return;
                }
            }

            _previous[_previousNext] = (silo, epoch, lastSequence);
            _previousNext = (_previousNext + 1) % PreviousCapacity;
        }

        /// <summary>Whether the partition was held from <paramref name="silo"/> before, and how far its invalidations got.</summary>
        public bool SeenBefore(SiloAddress silo, long epoch, out long lastSequence)
        {
            if (_previous is { } previous)
            {
                foreach (var (known, knownEpoch, last) in previous)
                {
                    if (known is not null && known.Equals(silo) && knownEpoch == epoch)
                    {
                        lastSequence = last;
                        return true;
                    }
                }
            }

            lastSequence = 0;
            return false;
        }

        /// <summary>An invalidation from a previous silo arrived late: it got this far.</summary>
        public void AdvancePrevious(SiloAddress silo, long epoch, long sequence) => RememberPrevious(silo, epoch, sequence);

        /// <summary>The partition is held from <paramref name="silo"/> again: it is current, not previous.</summary>
        public void ForgetPrevious(SiloAddress silo, long epoch)
        {
            if (_previous is { } previous)
            {
                for (int i = 0; i < previous.Length; i++)
                {
                    if (previous[i].Silo is { } known && known.Equals(silo) && previous[i].Epoch == epoch)
                    {
                        previous[i] = default;
                    }
                }
            }
        }

        /// <summary>Starts counting again from <paramref name="sequence"/>, knowing no earlier invalidation.</summary>
        public void Restart(long sequence)
        {
            LastSequence = sequence;
            _recentCount = 0;

            // The ring refills from slot 0: MayHaveInvalidatedSince reads slots 0.._recentCount-1, so a restart that kept
            // the write position would look at keys from before it and miss the ones recorded after.
            _recentNext = 0;
        }

        public void Record(long sequence, string key)
        {
            LastSequence = sequence;
            _recent[_recentNext] = (sequence, key);
            _recentNext = (_recentNext + 1) % RecentCapacity;
            _recentCount = Math.Min(RecentCapacity, _recentCount + 1);
        }

        /// <summary>Whether an invalidation after <paramref name="readSequence"/> was (or, beyond what is remembered, may have been) for <paramref name="key"/>.</summary>
        public bool MayHaveInvalidatedSince(string key, long readSequence)
        {
            // Remembered: the last _recentCount sequences, LastSequence - _recentCount + 1 .. LastSequence.
            if (LastSequence - _recentCount > readSequence)
            {
                return true;
            }

            for (int i = 0; i < _recentCount; i++)
            {
                var (sequence, invalidated) = _recent[i];
                if (sequence > readSequence && string.Equals(invalidated, key, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
