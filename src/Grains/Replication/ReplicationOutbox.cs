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
/// the change: a string's or counter's new record, a hash's or list's <see cref="StructureDelta"/> (chained to the
/// partition's previous change, <see cref="ReplicaItem.PreviousVersion"/>), or a removal, queued for the target with a
/// sequence number under the partition's and the queue's gates only (never this outbox's lock, shared by all partitions).
/// One pump per target silo sends its queue in order, in batches (one <see cref="ReplicaFrame"/> each), and acknowledges
/// them; a replica that could not follow a delta is seeded again (<see cref="OnShipped"/>). <see cref="Watermark"/> is the
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
/// <para>
/// Its parts, used under its lock (but for the queueing of a change, above): <see cref="ReplicaQueueBook"/> (queues per target, sequence numbers, watermark),
/// <see cref="ReplicaRetargeting"/> (membership changes) and the <see cref="ReplicatedPartition"/>s; each target's
/// queue is shipped by its <see cref="ReplicaPump"/>.
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
    private readonly TimeSpan _shipTimeout;
    private readonly ReplicatedPartition?[] _attached;
    private readonly ReplicaQueueBook _book;
    private readonly ReplicaRetargeting _retargeting;
    private readonly CancellationTokenSource _stopping = new();

    public ReplicationOutbox(IOptions<GridSiloOptions> options, ClusterView view, IGrainFactory grains, ILogger<ReplicationOutbox> logger)
    {
        var replication = options.Value.Replication;
        Enabled = replication.Replicas > 0;
        Sync = replication.Mode == GridReplicationMode.Sync;
        _maxBatchBytes = replication.MaxBatchBytes;
        _maxAsyncBacklog = replication.MaxAsyncBacklog;
        _shipTimeout = replication.ShipTimeout;
        _view = view;
        _grains = grains;
        _logger = logger;
        _attached = new ReplicatedPartition?[options.Value.PartitionCount];
        _book = new ReplicaQueueBook(StartPump);
        _retargeting = new ReplicaRetargeting(_book, _attached, logger);
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
                return _book.Watermark;
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
                return _book.PendingCount;
            }
        }
    }

    /// <summary>A one-line description of the queues (diagnostics and tests).</summary>
    public string Describe()
    {
        lock (_lock)
        {
            return _book.Describe();
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

        foreach (int partition in partitions)
        {
            if (Volatile.Read(ref _attached[partition]) is not { } attached)
            {
                continue;
            }

            lock (attached.Gate)
            {
                if (attached.Queue is { } queue && (Sync || ReplicaQueueBook.Backlog(queue) > _maxAsyncBacklog))
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
            return _book.WhenReplicated(sequence);
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
            var attached = new ReplicatedPartition(store);
            var target = view.ReplicaTarget(store.Partition, _view.Local);

            // Published only once its seed is queued (under its gate), so none of its changes can precede the seed.
            lock (attached.Gate)
            {
                if (target is not null)
                {
                    var drops = new List<SiloAddress>();
                    foreach (var holder in staleHolders)
                    {
                        if (!holder.Equals(target) && !holder.Equals(_view.Local) && view.Contains(holder))
                        {
                            drops.Add(holder);
                        }
                    }

                    seed = _book.EnqueueSeed(attached, target, drops);
                }

                Volatile.Write(ref _attached[store.Partition], attached);
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

            lock (attached.Gate)
            {
                Volatile.Write(ref _attached[partition], null);
                holder = attached.Target;
                fence = attached.LastSequence;
            }
        }

        try
        {
            await WhenReplicated(fence).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Which queue holds the watermark back (a hand-off that waits its whole bound is worth explaining).
            LogDetachUnconfirmed(_logger, partition, timeout, Describe());
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
        if (attached is null || attached.Queue is null)
        {
            return;
        }

        var item = ReplicaItem.From(change);

        // Every change a caller made (writes, deletes, tag and pattern invalidations, expiry met on access, evictions its
        // writes caused) is replicated before that caller is answered; background changes (the sweep) carry no context
        // and nobody waits for them (a replica may keep such an entry a little longer; promotion drops what expired).
        var context = change.Context;
        // Under this partition's gate and its target queue's gate only: no lock shared by all partitions is taken
        // while the store's lock is held.
        lock (attached.Gate)
        {
            if (!ReferenceEquals(Volatile.Read(ref _attached[change.Partition]), attached) || attached.Queue is not { } queue)
            {
                return;
            }

            if (item.Kind != ReplicaItemKind.Request)
            {
                // Chains the partition's changes, so a replica can tell it missed one before applying a delta on top.
                item.PreviousVersion = attached.LastVersion;
                attached.LastVersion = item.Version;
            }

            long sequence = _book.Enqueue(queue, new PendingItem(item));
            attached.LastSequence = sequence;

            // Async mode waits too once the target's backlog is over its bound: back-pressure instead of unbounded memory
            // (a slow or unreachable replica silo would otherwise let the queue grow without limit).
            if (context is not null && (Sync || ReplicaQueueBook.Backlog(queue) > _maxAsyncBacklog))
            {
                context.RequireReplicated(sequence);
            }
        }
    }

    /// <summary>Re-targets partitions after a membership change, and supersedes what was queued for silos that died.</summary>
    private void OnViewChanged()
    {
        List<(PendingItem Seed, ReplicatedPartition Partition)> seeds;
        List<TaskCompletionSource>? released;
        lock (_lock)
        {
            seeds = _retargeting.Retarget(_view.Current, _view.Local);
            released = _book.Settle();
        }

        ReplicaQueueBook.Complete(released);
        foreach (var (seed, partition) in seeds)
        {
            FillSeed(seed, partition.Store);
        }
    }

    /// <summary>
    /// For <paramref name="queue"/>'s pump: the batch to ship, the one in flight (unacknowledged) or else the next ready
    /// items; with none, <paramref name="wake"/> completes when there may be. False once the queue is dead.
    /// </summary>
    internal bool TryTakeBatch(ReplicaQueue queue, out ReplicaItem[]? batch, out Task? wake) =>
        ReplicaQueueBook.TryTakeBatch(queue, _maxBatchBytes, out batch, out wake);

    /// <summary>For a pump: its queue's silo is still a member (nothing more is sent to a dead queue).</summary>
    internal static bool IsLive(ReplicaQueue queue)
    {
        lock (queue.Gate)
        {
            return !queue.Dead;
        }
    }

    /// <summary>For a pump whose batch failed: re-targets at once if the queue's silo already left the cluster.</summary>
    internal void OnShipFailed(ReplicaQueue queue)
    {
        if (!_view.Current.Contains(queue.Target))
        {
            OnViewChanged();
        }
    }

    /// <summary>
    /// For a pump: its batch in flight is acknowledged; seeds retire older replicas and release dead queues, and the
    /// watermark moves. <paramref name="reseed"/>: partitions whose replica could not follow a delta and dropped its
    /// copy; each gets a new seed, which holds the watermark below this batch until it is acknowledged (a writer whose
    /// change the replica could not apply waits for the seed that carries it).
    /// </summary>
    internal void OnShipped(ReplicaQueue queue, int[] reseed)
    {
        List<TaskCompletionSource>? released;
        List<(PendingItem Seed, ReplicatedPartition Partition)>? seeds = null;
        lock (_lock)
        {
            List<PendingItem> shipped;
            lock (queue.Gate)
            {
                shipped = queue.InFlight!;
                queue.InFlight = null;
                foreach (var pending in shipped)
                {
                    if (pending.HoldFrom != 0)
                    {
                        queue.Holds?.Remove(pending);
                    }
                }
            }

            foreach (int partition in reseed)
            {
                if ((uint)partition >= (uint)_attached.Length || _attached[partition] is not { } attached)
                {
                    continue;
                }

                lock (attached.Gate)
                {
                    if (ReferenceEquals(attached.Queue, queue) && IsLive(queue))
                    {
                        LogReseed(_logger, partition, queue.Target);
                        var seed = _book.EnqueueSeed(attached, queue.Target, []);
                        lock (queue.Gate)
                        {
                            seed.HoldFrom = shipped[0].Sequence;
                            (queue.Holds ??= []).Add(seed);
                        }

                        (seeds ??= []).Add((seed, attached));
                    }
                }
            }

            foreach (var pending in shipped)
            {
                if (pending.Item.Kind != ReplicaItemKind.Seed)
                {
                    continue;
                }

                // Only the partition's current primary, whose replica is this seed, retires older copies: a partition that
                // left meanwhile has a new primary, whose own seed may already sit on those silos with the same version.
                if (pending.DropAt is { } dropAt && _attached[pending.Item.Partition] is { } attached)
                {
                    lock (attached.Gate)
                    {
                        if (queue.Target.Equals(attached.Target))
                        {
                            foreach (var holder in dropAt)
                            {
                                if (!holder.Equals(attached.Target))
                                {
                                    // Counted in the partition's last sequence, so a hand-off waits for it before the next primary seeds.
                                    attached.LastSequence = _book.Enqueue(holder, new PendingItem(new ReplicaItem { Kind = ReplicaItemKind.Drop, Partition = pending.Item.Partition, Version = pending.Item.Version }));
                                }
                            }
                        }
                    }
                }

                if (pending.Releases is { } links)
                {
                    foreach (var dead in links)
                    {
                        dead.Superseding--;
                    }

                    pending.Releases = null;
                }
            }

            released = _book.Settle();
        }

        ReplicaQueueBook.Complete(released);
        if (seeds is not null)
        {
            foreach (var (seed, partition) in seeds)
            {
                FillSeed(seed, partition.Store);
            }
        }
    }

    /// <summary>Takes the partition's snapshot (after its seed marker was queued, so later changes follow it) and releases the marker.</summary>
    private void FillSeed(PendingItem seed, PartitionStore store)
    {
        var snapshot = store.Snapshot();
        ReplicaQueueBook.Fill(seed, snapshot);
    }

    /// <summary>Starts the pump of a new target's queue (under the lock, as the book creates the queue).</summary>
    private void StartPump(ReplicaQueue queue)
    {
        var pump = new ReplicaPump(this, queue, _grains, _logger, _shipTimeout, _stopping.Token);
        _ = Task.Run(pump.RunAsync);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: the replica on {Silo} could not follow a change and dropped its copy; seeding it again")]
    private static partial void LogReseed(ILogger logger, int partition, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition} left this silo before its replica confirmed everything within {Timeout} (replication: {Queues})")]
    private static partial void LogDetachUnconfirmed(ILogger logger, int partition, TimeSpan timeout, string queues);
}
