using Grid.Grains.HotKeys;
using Grid.Grains.Memory;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>
/// The entries of one partition, as the partition grain, the silo's batch entry and the background services use them:
/// a thin facade that owns the store's lock and open/closed state and composes the parts that do the work. Every access
/// goes through <see cref="_lock"/>, which makes each operation atomic whether it arrives by a grain call or by the
/// silo's batch entry; a closed store runs nothing (ops answer <see cref="ResultStatus.NotHere"/>).
/// </summary>
/// <remarks>
/// The parts: <see cref="RecordTable"/> (entries, hash index, bytes), <see cref="Keyspace"/> (the entries as ops see
/// them: lazy expiry, and every change reported), <see cref="StoreChangeFeed"/> (version and listeners),
/// <see cref="NearCacheTracking"/>, <see cref="OpExecutor"/> (op codes to <see cref="StringOps"/>, <see cref="KeyOps"/>,
/// <see cref="ExpiryOps"/>, <see cref="HashOps"/>, <see cref="ListOps"/>, <see cref="LeaseTable"/>),
/// <see cref="ExpirySweep"/>, <see cref="EvictionSampler"/>, <see cref="StoreScans"/>, <see cref="StoreSnapshotter"/> and
/// <see cref="ReplicaApplier"/>.
/// </remarks>
internal sealed class PartitionStore
{
    private readonly Lock _lock = new();
    private readonly GridClock _clock;
    private readonly RecordTable _table;
    private readonly StoreChangeFeed _feed;
    private readonly NearCacheTracking _tracking;
    private readonly RequestLog _requests = new();
    private readonly OpExecutor _executor;
    private readonly ExpirySweep _sweep;
    private readonly EvictionSampler _eviction;
    private readonly StoreScans _scans;
    private readonly StoreSnapshotter _snapshots;
    private readonly ReplicaApplier _replica;
    private bool _closed;

    public PartitionStore(int partition, GridClock clock, IMemoryAccount memory, IStoreChangeListener? listener = null, IReadTracker? tracker = null, HotKeyTracker? hotKeys = null)
    {
        Partition = partition;
        _clock = clock;
        _table = new RecordTable(memory);
        _feed = new StoreChangeFeed(partition, listener);
        _tracking = new NearCacheTracking(partition, tracker, _table, _feed);
        var keys = new Keyspace(_table, _feed, _tracking, Counters, new VersionClock());
        _executor = new OpExecutor(keys, _feed, _tracking, _requests, Counters, hotKeys);
        _sweep = new ExpirySweep(keys, Counters);
        _eviction = new EvictionSampler(keys, Counters);
        _scans = new StoreScans(keys, Counters);
        // Moves, seeds and replicated changes bring entries as the primary wrote them, versions included.
        var kept = keys.KeepingVersions();
        _snapshots = new StoreSnapshotter(kept, _feed, _requests, Counters);
        _replica = new ReplicaApplier(kept, _requests);
    }

    public int Partition { get; }

    public StoreCounters Counters { get; } = new();

    /// <summary>Entries held (including expired ones not yet swept).</summary>
    public int Count => _table.Count;

    /// <summary>Entries that carry at least one tag (including expired ones not yet swept).</summary>
    public int TaggedCount => _table.TaggedCount;

    /// <summary>Entries with a deadline (read without the lock: a figure for statistics and the expiry sweep).</summary>
    public int ExpiringCount => _table.ExpiringCount;

    /// <summary>Bytes accounted for this store: records, structures and its own arrays.</summary>
    public long Bytes => _table.Bytes;

    /// <summary>Bumped by every write; lets observers order what they hear about this partition.</summary>
    public long Version => _feed.Version;

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
            _table.LeaveBudget();
            _tracking.DropAll(context);
        }
    }

    /// <summary>
    /// Runs one operation atomically and writes its result to <paramref name="output"/>. The op must have passed
    /// <see cref="OpValidator"/>. When the store is closed nothing runs, nothing is written, and the answer is
    /// <see cref="ResultStatus.NotHere"/>: the caller sends the op to wherever the partition lives now.
    /// <paramref name="now"/> is the batch's clock reading (<see cref="GridClock.NowMs"/>), read once per batch;
    /// <paramref name="trackingSlot"/> is the sending client's near-cache slot on this silo (-1 none).
    /// </summary>
    public ResultStatus Execute(in OpView op, FrameBuffer output, long now, int trackingSlot = -1, BatchContext? context = null)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return ResultStatus.NotHere;
            }

            _feed.Context = context;
            try
            {
                return _executor.Execute(op, output, now, trackingSlot);
            }
            finally
            {
                _feed.Context = null;
            }
        }
    }

    /// <summary>Stages of <see cref="Prefetch"/>.</summary>
    public const int PrefetchStages = 4;

    /// <summary>
    /// One stage of a lookahead for an operation on the key whose store hash (<see cref="RecordTable.HashKey"/>) is
    /// <paramref name="keyHash"/>: hints the CPU to load what the operation will read, one level of the chain per stage
    /// (0: this store's parts; 1: the executor's parts and the key's index slot; 2: the entry's handle; 3: its record),
    /// each stage dereferencing only what the one before asked for. A batch runs every stage over all of its operations
    /// before the next (after prefetching the stores themselves), so the cache misses of its operations, which all
    /// depend on one another within an operation, overlap across operations instead of following one another. Without the
    /// lock: it reads fields and slots with checks, may see them mid-change, and changes nothing (see <see cref="CachePrefetch"/>).
    /// </summary>
    public void Prefetch(int stage, ulong keyHash)
    {
        switch (stage)
        {
            case 0:
                CachePrefetch.Object(_lock);
                CachePrefetch.Object(_feed);
                CachePrefetch.Object(_executor);
                CachePrefetch.Object(_table);
                CachePrefetch.Object(Counters);
                break;
            case 1:
                _executor.PrefetchParts();
                _table.PrefetchSlot(keyHash);
                break;
            case 2:
                _table.PrefetchHandle(keyHash);
                break;
            case 3:
                _table.PrefetchRecord(keyHash);
                break;
        }
    }

    /// <summary>
    /// A replica's answer to a read of a hot key (<see cref="OpFlags.ReplicaRead"/>): writes the value of a live,
    /// non-sliding string at <paramref name="key"/> to <paramref name="output"/> and returns true; false, with nothing
    /// written, for anything else (a miss here may only mean this copy is behind, and a sliding entry's reads must move
    /// its deadline on the primary), and the caller sends the read on to the partition. Changes nothing: no LRU stamp,
    /// no expiry on access, not counted.
    /// </summary>
    public bool TryServeReplicaRead(ReadOnlySpan<byte> key, FrameBuffer output, long now)
    {
        lock (_lock)
        {
            return !_closed && _executor.TryReadUnchanged(key, now, output);
        }
    }

    /// <summary>Runs one operation given as a <see cref="GridOp"/> (the same path, through a one-op frame).</summary>
    public GridResult Execute(GridOp op, BatchContext? context = null)
    {
        var frame = OpFrame.Encode([op]);
        var reader = new OpFrameReader(frame);
        reader.TryRead(out var view, out _, out _);
        using var output = new FrameBuffer();
        if (Execute(view, output, _clock.NowMs, context: context) == ResultStatus.NotHere)
        {
            return StoreResults.NotHere;
        }

        var results = new FrameReader(output.Written);
        return ResultFrame.Read(ref results);
    }

    /// <summary>
    /// Active expiry: checks up to <paramref name="maxChecks"/> records from where the last sweep stopped, removes the
    /// expired ones and clamps very old LRU stamps. Returns how many it removed.
    /// </summary>
    public int SweepExpired(int maxChecks)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            return _closed ? 0 : _sweep.Sweep(maxChecks, now);
        }
    }

    /// <summary>
    /// Offers <paramref name="samples"/> random entries to the eviction pool (sampled LRU, as Redis does). Expired entries
    /// met on the way are removed at once.
    /// </summary>
    public void Sample(EvictionPool pool, int samples, Random random, BatchContext? context = null)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _feed.Context = context;
            try
            {
                _eviction.Sample(this, pool, samples, random, now);
            }
            finally
            {
                _feed.Context = null;
            }
        }
    }

    /// <summary>Evicts the entry (known by its key's hash) if it is still there and has not been used since it was sampled.</summary>
    public bool TryEvict(ulong keyHash, uint stamp, BatchContext? context = null)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _feed.Context = context;
            try
            {
                return _eviction.TryEvict(keyHash, stamp);
            }
            finally
            {
                _feed.Context = null;
            }
        }
    }

    /// <summary>
    /// One bounded step of a pattern invalidation: under the lock, examines at most <paramref name="maxExamined"/>
    /// entries going down from <paramref name="cursor"/> (start with <see cref="int.MaxValue"/>), removes those whose
    /// key matches <paramref name="pattern"/> (cause <see cref="RemovalCause.Invalidated"/>; expired ones met on the way
    /// are removed as expired and not counted), and moves the cursor. Returns false once the scan is complete (cursor 0,
    /// or the store closed). See <see cref="StoreScans"/> for why no entry present throughout is skipped.
    /// </summary>
    public bool RemoveMatching(ReadOnlySpan<byte> pattern, ref int cursor, int maxExamined, out int removed, BatchContext? context = null)
    {
        removed = 0;
        long now = _clock.NowMs;
        lock (_lock)
        {
            if (_closed)
            {
                cursor = 0;
                return false;
            }

            _feed.Context = context;
            try
            {
                return _scans.RemoveMatching(pattern, ref cursor, maxExamined, ref removed, now);
            }
            finally
            {
                _feed.Context = null;
            }
        }
    }

    /// <summary>
    /// One bounded step of a key listing: under the lock, examines at most <paramref name="maxExamined"/> entries going
    /// down from <paramref name="cursor"/> (start with <see cref="int.MaxValue"/>) and adds the live keys that match
    /// <paramref name="pattern"/> (empty: any) and <paramref name="type"/> to <paramref name="keys"/>. Returns false once
    /// the walk is complete. A closed store (the partition is moving) leaves the cursor where it was and returns true:
    /// the caller asks again and reaches the partition where it lives now.
    /// </summary>
    public bool CollectKeys(ReadOnlySpan<byte> pattern, GridValueType type, ref int cursor, int maxExamined, List<byte[]> keys)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            return _closed || _scans.CollectKeys(pattern, type, ref cursor, maxExamined, keys, now);
        }
    }

    /// <summary>
    /// One bounded step of a walk over the live entries that carry tags (the tag index rebuilds itself from them): under
    /// the lock, examines at most <paramref name="maxExamined"/> entries going down from <paramref name="cursor"/> (start
    /// with <see cref="int.MaxValue"/>), hands each tagged, unexpired one to <paramref name="visitor"/>, and moves the
    /// cursor. Returns false once the walk is complete.
    /// </summary>
    /// <remarks>
    /// Unlike <see cref="RemoveMatching"/> it reads on after the store closed: a closed store no longer changes, and what
    /// it holds is exactly what moves to the partition's next home, so a walk that began before a partition left still
    /// sees all of it.
    /// </remarks>
    public bool VisitTagged(ref int cursor, int maxExamined, ITaggedEntryVisitor visitor)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            return _scans.VisitTagged(ref cursor, maxExamined, visitor, now);
        }
    }

    /// <summary>Copies every live entry (expired ones are left behind); also from a closed store, whose entries are what moves.</summary>
    public StoreSnapshot Snapshot()
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            return _snapshots.Snapshot(now);
        }
    }

    /// <summary>Loads a snapshot into this (new, empty) store; entries that expired meanwhile are dropped.</summary>
    public void Restore(StoreSnapshot snapshot)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            _snapshots.Restore(snapshot, now);
        }
    }

    /// <summary>
    /// Replica side: puts an entry's new state (a record, or a <see cref="ComplexEntry"/>) at its key, replacing what
    /// was there. An entry that already expired removes the key instead.
    /// </summary>
    public void ApplyReplicaWrite(object entry)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            if (!_closed)
            {
                _replica.Write(entry, now);
            }
        }
    }

    /// <summary>
    /// Replica side: applies a hash or list operation's change (<paramref name="record"/> is the entry's new record, which
    /// the store keeps). False when this copy cannot follow it: the replica has diverged and must be seeded again.
    /// </summary>
    public bool ApplyReplicaDelta(byte[] record, StructureDelta delta)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            return _closed || _replica.Delta(record, delta, now);
        }
    }

    /// <summary>Replica side: keeps the primary's answer to a write with a request id.</summary>
    public void ApplyReplicaRequest(ulong client, long requestId, long completedBelow, byte[] answer)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            if (!_closed)
            {
                _replica.Request(client, requestId, completedBelow, answer, now);
            }
        }
    }

    /// <summary>Replica side: removes the entry at <paramref name="key"/>, if any.</summary>
    public void ApplyReplicaRemove(ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _replica.Remove(key);
            }
        }
    }
}
