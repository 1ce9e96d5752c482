using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Grid.Client.NearCache;

/// <summary>
/// The client's local copy of values read from the grid. Reads are lock-free (a concurrent dictionary and a reference
/// bit); inserts and evictions take one lock and evict by CLOCK (second chance), an LRU approximation, to stay within
/// the entry and byte bounds. Each entry remembers the partition it came from and that partition's generation when it
/// was read: dropping a partition (a lost invalidation, a move, a restart) only bumps the generation, so its entries
/// turn stale at once and are collected lazily.
/// </summary>
internal sealed class NearCacheStore
{
    private readonly ConcurrentDictionary<string, NearEntry> _entries = new(StringComparer.Ordinal);
    private readonly PartitionState[] _partitions;
    private readonly NearEntry?[] _ring;
    private readonly Lock _ringLock = new();
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private readonly Stack<int> _freeSlots = new();
    private int _hand;
    private int _nextUnused;
    private int _ringCount;
    private long _bytes;
    private int _generation;

    public NearCacheStore(int partitionCount, int maxEntries, long maxBytes, TimeProvider time)
    {
        _partitions = new PartitionState[partitionCount];
        for (int i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = new PartitionState();
        }

        _ring = new NearEntry?[maxEntries];
        _maxBytes = maxBytes;
        _time = time;
    }

    public StripedCounter Hits { get; } = new();

    public StripedCounter Misses { get; } = new();

    public long Promotions => Volatile.Read(ref _promotions);

    public long InvalidationsReceived => Volatile.Read(ref _invalidations);

    public long PartitionsDropped => Volatile.Read(ref _partitionsDropped);

    public long Clears => Volatile.Read(ref _clears);

    public int Count => _entries.Count;

    public long Bytes => Volatile.Read(ref _bytes);

    private long _promotions;
    private long _invalidations;
    private long _partitionsDropped;
    private long _clears;

    private long NowMs => _time.GetTimestamp() * 1000 / _time.TimestampFrequency;

    /// <summary>The value when a fresh copy is held (the stored array: callers hand out copies).</summary>
    public bool TryGet(string key, out byte[] value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAtMs > NowMs
                && entry.Generation == Volatile.Read(ref _partitions[entry.Partition].Generation)
                && entry.GlobalGeneration == Volatile.Read(ref _generation))
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
    /// Keeps a value read from the grid, unless an invalidation newer than the read was already applied for its
    /// partition (then the value may be stale already). <paramref name="readSequence"/> is the partition's invalidation
    /// sequence for this client when the silo served the read.
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
                // First value from this silo incarnation for the partition: what came from elsewhere is not tracked here.
                Adopt(state, silo, epoch, readSequence);
            }
            else if (state.LastSequence > readSequence)
            {
                return false;
            }

            generation = state.Generation;
        }

        long ttl = Math.Max(1, (long)timeToLive.TotalMilliseconds);
        var entry = new NearEntry(key, value, partition, generation, Volatile.Read(ref _generation), NowMs + ttl);
        lock (_ringLock)
        {
            if (_entries.TryGetValue(key, out var old))
            {
                RemoveLocked(old);
            }

            MakeRoomLocked(value.Length);
            _entries[key] = entry;
            entry.Slot = PlaceLocked(entry);
            _bytes += value.Length;
        }

        Interlocked.Increment(ref _promotions);
        return true;
    }

    /// <summary>Forgets a key (a local write, or an invalidation).</summary>
    public void Remove(string key)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            Remove(entry);
        }
    }

    /// <summary>Applies one invalidation from <paramref name="silo"/>; a gap in the sequence drops the whole partition.</summary>
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
                // News about a partition we do not hold from that silo: whatever we hold of it may be stale.
                Adopt(state, silo, epoch, sequence);
            }
            else if (sequence <= state.LastSequence)
            {
                // Already seen (it predates a value we kept): applying it again only costs a miss.
            }
            else if (sequence != state.LastSequence + 1 || key is null)
            {
                // A gap (a lost message) or a partition reset: nothing of the partition can be trusted.
                Drop(state);
                state.LastSequence = sequence;
                return;
            }
            else
            {
                state.LastSequence = sequence;
            }
        }

        if (key is not null)
        {
            Remove(key);
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
        Interlocked.Increment(ref _clears);
        foreach (var state in _partitions)
        {
            lock (state)
            {
                state.Silo = null;
            }
        }

        lock (_ringLock)
        {
            foreach (var entry in _entries.Values)
            {
                RemoveLocked(entry);
            }
        }
    }

    /// <summary>Drops a partition's copies and makes <paramref name="silo"/> (in <paramref name="epoch"/>) its source from <paramref name="sequence"/> on.</summary>
    private void Adopt(PartitionState state, SiloAddress silo, long epoch, long sequence)
    {
        Drop(state);
        state.Silo = silo;
        state.Epoch = epoch;
        state.LastSequence = sequence;
    }

    private void Drop(PartitionState state)
    {
        Interlocked.Increment(ref state.Generation);
        Interlocked.Increment(ref _partitionsDropped);
    }

    private void Remove(NearEntry entry)
    {
        lock (_ringLock)
        {
            RemoveLocked(entry);
        }
    }

    private void RemoveLocked(NearEntry entry)
    {
        if (entry.Slot < 0 || !ReferenceEquals(_ring[entry.Slot], entry))
        {
            return;
        }

        _ring[entry.Slot] = null;
        _freeSlots.Push(entry.Slot);
        entry.Slot = -1;
        _ringCount--;
        _bytes -= entry.Value.Length;
        _entries.TryRemove(new KeyValuePair<string, NearEntry>(entry.Key, entry));
    }

    /// <summary>CLOCK: evicts unreferenced entries (clearing reference bits on the way) until there is room.</summary>
    private void MakeRoomLocked(int incomingBytes)
    {
        long now = NowMs;
        while (_ringCount >= _ring.Length || (_ringCount > 0 && _bytes + incomingBytes > _maxBytes))
        {
            var candidate = _ring[_hand];
            if (candidate is not null)
            {
                bool stale = candidate.ExpiresAtMs <= now
                    || candidate.Generation != Volatile.Read(ref _partitions[candidate.Partition].Generation)
                    || candidate.GlobalGeneration != Volatile.Read(ref _generation);
                if (candidate.Referenced && !stale)
                {
                    candidate.Referenced = false;
                }
                else
                {
                    RemoveLocked(candidate);
                }
            }

            _hand = (_hand + 1) % _ring.Length;
        }
    }

    /// <summary>Puts an entry in a free ring slot (one exists: <see cref="MakeRoomLocked"/> ran first).</summary>
    private int PlaceLocked(NearEntry entry)
    {
        int slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _nextUnused++;
        _ring[slot] = entry;
        _ringCount++;
        return slot;
    }

    private sealed class NearEntry(string key, byte[] value, int partition, int generation, int globalGeneration, long expiresAtMs)
    {
        public string Key { get; } = key;

        public byte[] Value { get; } = value;

        public int Partition { get; } = partition;

        public int Generation { get; } = generation;

        public int GlobalGeneration { get; } = globalGeneration;

        public long ExpiresAtMs { get; } = expiresAtMs;

        public int Slot { get; set; } = -1;

        public volatile bool Referenced;
    }

    /// <summary>Where a partition's near-cache entries came from, and how far its invalidations got.</summary>
    private sealed class PartitionState
    {
        public SiloAddress? Silo;
        public long Epoch;
        public long LastSequence;
        public int Generation;
    }
}
