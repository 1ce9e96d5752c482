using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>
/// Ships every change of this silo's primary partitions to their replica silo, and tells writers when their changes
/// are replicated.
/// <para>
/// Each partition attached here has a replica target: the highest-ranked other active silo in the rendezvous order
/// (the runner-up when the partition sits on its owner). The store calls <see cref="OnChanged"/> under its lock with
/// the entry's new state; a copy of that state (never the operation) is queued for the target with a sequence number.
/// One pump per target silo sends its queue in order, in batches, and acknowledges them; <see cref="Watermark"/> is the
/// highest sequence number below which everything is acknowledged. In sync mode every change a caller's operations make
/// records its sequence number in the caller's <see cref="BatchContext"/> (<see cref="StoreChange.Context"/>), and the
/// caller answers only once the watermark passes it (<see cref="WhenReplicated"/>); reads that change nothing never wait.
/// </para>
/// <para>
/// A partition's replica starts with a seed (the whole partition) queued before any of its later changes; when its
/// target changes (membership), a new seed goes to the new target and the old one is told to drop its copy once the
/// seed is acknowledged. When a target silo dies, its unacknowledged items are superseded by fresh seeds of the
/// partitions they belonged to, so a writer waiting on them is released only when a live replica holds its change.
/// </para>
/// </summary>
internal sealed partial class ReplicationOutbox : IStoreChangeListener, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly Lock _lock = new();
    private readonly ClusterView _view;
    private readonly IGrainFactory _grains;
    private readonly ILogger _logger;
    private readonly int _maxBatchBytes;
    private readonly int _maxAsyncBacklog;
    private readonly Attached?[] _attached;
    private readonly Dictionary<SiloAddress, ReplicaQueue> _queues = [];

    // Queues of silos that died, kept (blocking the watermark) until the seeds that supersede their items are acknowledged.
    private readonly List<ReplicaQueue> _dead = [];
    private readonly PriorityQueue<TaskCompletionSource, long> _waiters = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _seq;
    private long _watermark;

    public ReplicationOutbox(IOptions<GridSiloOptions> options, ClusterView view, IGrainFactory grains, ILogger<ReplicationOutbox> logger)
    {
        var replication = options.Value.Replication;
        Enabled = replication.Replicas > 0;
        Sync = replication.Mode == GridReplicationMode.Sync;
        _maxBatchBytes = replication.MaxBatchBytes;
        _maxAsyncBacklog = replication.MaxAsyncBacklog;
        _view = view;
        _grains = grains;
        _logger = logger;
        _attached = new Attached?[options.Value.PartitionCount];
        if (Enabled)
        {
            view.Subscribe(OnViewChanged);
        }
    }

    /// <summary>Test hook: awaited before each shipment, so a test can hold replication back.</summary>
    internal Func<Task>? BeforeShip { get; set; }

    /// <summary>Partitions keep replicas.</summary>
    public bool Enabled { get; }

    /// <summary>Writes wait for their replica.</summary>
    public bool Sync { get; }

    /// <summary>Every item with a sequence number up to this one is acknowledged by its replica (or superseded).</summary>
    public long Watermark
    {
        get
        {
            lock (_lock)
            {
                return _watermark;
            }
        }
    }

    /// <summary>Items queued or in flight, over all targets.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                int pending = 0;
                foreach (var queue in _queues.Values)
                {
                    pending += queue.Items.Count + (queue.InFlight?.Count ?? 0);
                }

                return pending;
            }
        }
    }

    /// <summary>A one-line description of the queues (diagnostics and tests).</summary>
    public string Describe()
    {
        lock (_lock)
        {
            var text = new System.Text.StringBuilder($"seq {_seq}, watermark {_watermark}, waiters {_waiters.Count}");
            foreach (var queue in _queues.Values)
            {
                text.Append($"; {queue.Target}: {queue.Items.Count} queued, {queue.InFlight?.Count ?? 0} in flight, oldest {queue.OldestSequence}");
            }

            foreach (var queue in _dead)
            {
                text.Append($"; dead {queue.Target}: {queue.Items.Count + (queue.InFlight?.Count ?? 0)} pending, superseded by {queue.Superseding}, oldest {queue.OldestSequence}");
            }

            return text.ToString();
        }
    }

    /// <summary>
    /// Adds to <paramref name="context"/> the fences of the partitions where a write sent again was answered from memory:
    /// everything those partitions queued so far (the first run's changes among it) must be replicated before the answer.
    /// </summary>
    public void RequireReplayedReplicated(BatchContext context)
    {
        if (context.ReplayedPartitions is not { } partitions || !Enabled)
        {
            return;
        }

        lock (_lock)
        {
            foreach (int partition in partitions)
            {
                if (_attached[partition] is { Target: { } target } attached && (Sync || Backlog(target) > _maxAsyncBacklog))
                {
                    context.RequireReplicated(attached.LastSequence);
                }
            }
        }
    }

    /// <summary>Completes once every item up to <paramref name="sequence"/> is replicated.</summary>
    public Task WhenReplicated(long sequence)
    {
        lock (_lock)
        {
            if (sequence <= _watermark)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter, sequence);
            return waiter.Task;
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ReplicationOutbox), ServiceLifecycleStage.ApplicationServices, _ => Task.CompletedTask, _ => _stopping.CancelAsync());

    /// <summary>
    /// Starts replicating a primary partition that is about to serve on this silo: queues its seed for its target.
    /// <paramref name="staleHolders"/> are silos that may hold an older replica; they drop it once the seed is in place.
    /// </summary>
    public void Attach(PartitionStore store, IReadOnlyCollection<SiloAddress> staleHolders)
    {
        if (!Enabled)
        {
            return;
        }

        PendingItem? seed = null;
        lock (_lock)
        {
            var view = _view.Current;
            var attached = new Attached(store);
            _attached[store.Partition] = attached;
            attached.Target = view.ReplicaTarget(store.Partition, _view.Local);
            if (attached.Target is { } target)
            {
                var drops = new List<SiloAddress>();
                foreach (var holder in staleHolders)
                {
                    if (!holder.Equals(target) && !holder.Equals(_view.Local) && view.Contains(holder))
                    {
                        drops.Add(holder);
                    }
                }

                seed = EnqueueSeed(store.Partition, target, drops);
            }
        }

        if (seed is not null)
        {
            FillSeed(seed, store);
        }
    }

    /// <summary>
    /// Stops replicating a partition that leaves this silo (its store is closed), after waiting up to
    /// <paramref name="timeout"/> for what it already queued to reach its replica. Returns the silo that held its replica.
    /// </summary>
    public async Task<SiloAddress?> DetachAsync(int partition, TimeSpan timeout)
    {
        if (!Enabled)
        {
            return null;
        }

        SiloAddress? holder;
        long fence;
        lock (_lock)
        {
            var attached = _attached[partition];
            if (attached is null)
            {
                return null;
            }

            _attached[partition] = null;
            holder = attached.Target;
            fence = attached.LastSequence;
        }

        try
        {
            await WhenReplicated(fence).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDetachUnconfirmed(_logger, partition, timeout);
        }

        return holder;
    }

    public void OnChanged(in StoreChange change)
    {
        if (change.Kind == StoreChangeKind.TrackingEvicted)
        {
            // Only near-cache bookkeeping: the entry did not change.
            return;
        }

        var attached = Volatile.Read(ref _attached[change.Partition]);
        if (attached is null || attached.Target is null)
        {
            return;
        }

        var item = new ReplicaItem { Partition = change.Partition, Version = change.Version };
        if (change.Kind == StoreChangeKind.RequestRecorded)
        {
            item.Kind = ReplicaItemKind.Request;
            item.Record = change.Answer;
            item.RequestClient = change.RequestClient;
            item.RequestId = change.RequestId;
            item.CompletedBelow = change.CompletedBelow;
        }
        else if (change.Kind == StoreChangeKind.Written)
        {
            item.Kind = ReplicaItemKind.Write;
            if (change.Entry is ComplexEntry complex)
            {
                item.Structure = StructureSnapshot.From(complex);
            }
            else
            {
                item.Record = ((byte[])change.Entry!).AsSpan().ToArray();
            }
        }
        else
        {
            item.Kind = ReplicaItemKind.Remove;
            item.Record = change.Key.ToArray();
        }

        // Every change a caller made (writes, deletes, tag and pattern invalidations, expiry met on access, evictions its
        // writes caused) is replicated before that caller is answered; background changes (the sweep) carry no context
        // and nobody waits for them (a replica may keep such an entry a little longer; promotion drops what expired).
        var context = change.Context;
        lock (_lock)
        {
            if (!ReferenceEquals(_attached[change.Partition], attached) || attached.Target is not { } target)
            {
                return;
            }

            long sequence = Enqueue(target, new PendingItem(item));
            attached.LastSequence = sequence;

            // Async mode waits too once the target's backlog is over its bound: back-pressure instead of unbounded memory
            // (a slow or unreachable replica silo would otherwise let the queue grow without limit).
            if (context is not null && (Sync || Backlog(target) > _maxAsyncBacklog))
            {
                context.RequireReplicated(sequence);
            }
        }
    }

    /// <summary>Queues a seed marker for <paramref name="partition"/> (under the lock); its snapshot is filled in right after.</summary>
    private PendingItem EnqueueSeed(int partition, SiloAddress target, List<SiloAddress> dropAt)
    {
        var seed = new PendingItem(new ReplicaItem { Kind = ReplicaItemKind.Seed, Partition = partition }) { DropAt = dropAt.Count == 0 ? null : dropAt };
        long sequence = Enqueue(target, seed);
        if (_attached[partition] is { } attached)
        {
            attached.LastSequence = sequence;
        }

        return seed;
    }

    /// <summary>Takes the partition's snapshot (after its seed marker was queued, so later changes follow it) and releases the marker.</summary>
    private void FillSeed(PendingItem seed, PartitionStore store)
    {
        var snapshot = store.Snapshot();
        lock (_lock)
        {
            seed.Item.Seed = snapshot;
            seed.Item.Version = snapshot.Version;
            seed.Filled = true;
            if (_queues.TryGetValue(seed.Target!, out var queue))
            {
                queue.Wake();
            }
        }
    }

    /// <summary>Adds an item to its target's queue (under the lock); returns its sequence number.</summary>
    private long Enqueue(SiloAddress target, PendingItem pending)
    {
        if (!_queues.TryGetValue(target, out var queue))
        {
            queue = new ReplicaQueue(target);
            _queues[target] = queue;
            _ = Task.Run(() => PumpAsync(queue));
        }

        pending.Sequence = ++_seq;
        pending.Target = target;
        queue.Items.Enqueue(pending);
        queue.Wake();
        return pending.Sequence;
    }

    /// <summary>Changes queued or in flight for <paramref name="target"/> (under the lock).</summary>
    private int Backlog(SiloAddress target) =>
        _queues.TryGetValue(target, out var queue) ? queue.Items.Count + (queue.InFlight?.Count ?? 0) : 0;

    /// <summary>Forgets dead queues that no pending seed supersedes any more (under the lock).</summary>
    private void RemoveReleasedQueues() => _dead.RemoveAll(queue => queue.Superseding <= 0);

    /// <summary>Moves the watermark to just below the oldest unacknowledged item (under the lock); returns the waiters it passed.</summary>
    private List<TaskCompletionSource>? AdvanceWatermark()
    {
        long oldest = long.MaxValue;
        foreach (var queue in _queues.Values)
        {
            oldest = Math.Min(oldest, queue.OldestSequence);
        }

        foreach (var queue in _dead)
        {
            oldest = Math.Min(oldest, queue.OldestSequence);
        }

        _watermark = oldest == long.MaxValue ? _seq : oldest - 1;
        List<TaskCompletionSource>? released = null;
        while (_waiters.TryPeek(out _, out long sequence) && sequence <= _watermark)
        {
            (released ??= []).Add(_waiters.Dequeue());
        }

        return released;
    }

    private static void Complete(List<TaskCompletionSource>? released)
    {
        if (released is null)
        {
            return;
        }

        foreach (var waiter in released)
        {
            waiter.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication to silo {Silo} failed ({Failures} in a row); retrying until it answers or leaves the cluster")]
    private static partial void LogShipFailed(ILogger logger, Exception error, SiloAddress silo, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica silo {Silo} left the cluster with {Pending} item(s) unacknowledged; affected partitions re-seed their replica elsewhere")]
    private static partial void LogTargetLost(ILogger logger, SiloAddress silo, int pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition} left this silo before its replica confirmed everything within {Timeout}")]
    private static partial void LogDetachUnconfirmed(ILogger logger, int partition, TimeSpan timeout);

    /// <summary>A primary partition live on this silo, and the silo its replica is on (null: no other silo).</summary>
    private sealed class Attached(PartitionStore store)
    {
        public PartitionStore Store { get; } = store;

        public SiloAddress? Target { get; set; }

        /// <summary>The sequence number of the partition's latest item (seed or change).</summary>
        public long LastSequence { get; set; }
    }
}
