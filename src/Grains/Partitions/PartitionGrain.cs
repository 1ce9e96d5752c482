using System.Diagnostics;
using Grid.Grains.Balancing;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Persistence;
using Grid.Grains.Replication;
using Grid.Grains.Security;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Partitioning;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Grid.Tracing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Grid.Grains.Partitions;

/// <summary>
/// Owns one partition's <see cref="PartitionStore"/> and its lifecycle: creates and registers it on activation, closes
/// it on deactivation, and carries its entries when Orleans migrates the grain to another silo (explicit migration,
/// or graceful silo shutdown). Kept alive: only the memory budget decides what leaves memory, never idle collection.
/// With replication on, its changes go to a replica on another silo (<see cref="ReplicationOutbox"/>), and an
/// activation that arrives with no state (its silo died) first takes the newest replica (<see cref="ReplicaRecovery"/>),
/// and with none, the newest snapshot file of it when warm restart is on (<see cref="SnapshotRecovery"/>).
/// </summary>
[KeepAlive]
[PartitionPlacement]
internal sealed partial class PartitionGrain(
    PartitionStoreRegistry registry,
    SiloMemoryBudget budget,
    GridClock clock,
    StoreChangeListeners listeners,
    IReadTracker tracker,
    IOptions<GridSiloOptions> options,
    ILocalSiloDetails silo,
    ReplicationOutbox replication,
    IReplicaRecovery recovery,
    ReplicaRegistry replicas,
    Cluster.SiloPauseGuard pauseGuard,
    NearCache.InvalidationHub nearCaches,
    TagIndexPump tags,
    HotKeys.HotKeyTracker hotKeys,
    PartitionSnapshots snapshots,
    SnapshotRecovery warmRestart,
    HandOffCopies handOffs,
    ILogger<PartitionGrain> logger) : Grain, IPartitionGrain, IPartitionControlGrain, IGrainMigrationParticipant, ILifecycleParticipant<IGrainLifecycle>
{
    private const string SnapshotKey = "grid.store";
    private const string ReplicaHolderKey = "grid.replica-holder";
    private const string FormerPrimaryKey = "grid.former-primary";

    private readonly GridLimits _limits = options.Value.Limits;
    private readonly int _partitionCount = options.Value.PartitionCount;
    private PartitionStore? _store;
    private StoreSnapshot? _arriving;
    private SiloAddress? _replicaHolder;
    private SiloAddress? _formerPrimary;
    private bool _shuttingDown;
    private bool _retired;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        int partition = (int)this.GetPrimaryKeyLong();

        // One activation of this partition at a time on this silo gets from here to a registered store (or leaves
        // everything as it found it): see PartitionStoreRegistry.EnterAsync.
        using var turn = await registry.EnterAsync(partition, cancellationToken);
        var store = new PartitionStore(partition, clock, budget, listeners.OrNull, tracker, hotKeys.Enabled ? hotKeys : null);
        IReadOnlyCollection<SiloAddress> staleReplicas = [];

        // Moved here or brought back from a replica: its snapshot file (warm restart) is this silo's to write now.
        bool arrived = false;
        bool migrated = false;
        if (_arriving is { } snapshot)
        {
            // Migrated here (an explicit move, a rebalance, or the hand-off of a stopping silo) with its entries. The
            // silos that held copies (the old replica, the former primary's own copy) drop them once this primary's
            // replica is in place; a replica of it on this silo is obsolete now.
            store.Restore(snapshot);
            _arriving = null;
            var holders = new List<SiloAddress>(2);
            if (_replicaHolder is { } holder)
            {
                holders.Add(holder);
            }

            if (_formerPrimary is { } former && !former.Equals(_replicaHolder))
            {
                holders.Add(former);
            }

            staleReplicas = holders;
            arrived = true;
            migrated = true;
        }
        else if (await recovery.RecoverAsync(partition) is { } recovered)
        {
            // Came back with no state: its silo died (or a hand-off failed); the newest replica has every acknowledged write.
            // The dead silo may not have delivered its last tag index updates: tell the index about every tagged entry.
            store.Restore(recovered.Snapshot);
            tags.Announce(store);
            staleReplicas = recovered.Holders;
            arrived = true;
        }
        else if (await warmRestart.RestoreAsync(store))
        {
            // Nothing live anywhere (the whole cluster restarted, say): the newest snapshot file of it on this silo or
            // another. Arriving state and replicas come first: they are never older than a file. The tag index starts
            // empty after a full restart: tell it about every tagged entry.
            tags.Announce(store);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // Orleans deactivated this activation before it finished (its directory entry lived on a silo that just
            // died, say) and no longer waits for it: it will never be told to deactivate, and another activation may
            // already be waiting for the turn. Serve nothing; a replica or file it read is still where it was, and
            // entries that arrived with it are parked here, where the next activation's recovery finds them.
            if (migrated)
            {
                replicas.Adopt(partition, store.Snapshot());
            }

            store.Close();
            LogAbandoned(logger, partition, store.Count);
            cancellationToken.ThrowIfCancellationRequested();
        }

        // From here to the end nothing awaits: Orleans cannot abandon the activation half-way through taking over.
        LogActivated(logger, partition, store.Count, staleReplicas.Count);
        _store = store;
        replication.Attach(store, staleReplicas);
        registry.TakeOverFromReplica(partition, replicas);
        registry.Register(store);
        if (!replication.Enabled)
        {
            // Without replicas nothing else tells the silos that kept a copy for this hand-off to drop it.
            handOffs.Release(partition, store.Version, staleReplicas);
        }

        budget.EnforceBudget();
        if (arrived)
        {
            snapshots.WriteSoon(store);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        LogDeactivating(logger, (int)this.GetPrimaryKeyLong(), reason.ReasonCode, reason.Description);

        // A stopping silo hands its partitions, entries included, to the remaining silos; the last silo of a cluster
        // (the lone development silo) has none to hand them to, and its entries go with it. The target is named, not
        // left to placement: the hand-off copy below must go where the partition goes.
        SiloAddress? handOffTarget = null;
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            _shuttingDown = true;
            handOffTarget = handOffs.NextOwner((int)this.GetPrimaryKeyLong());
            if (handOffTarget is not null)
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, handOffTarget);
                this.MigrateOnIdle();
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }

        await RetireStoreAsync(reason.ReasonCode, cancellationToken);

        // No replica holds these entries: leave a copy where they are going, in case Orleans drops the migration.
        if (handOffTarget is not null && _replicaHolder is null && _store is { } store)
        {
            await handOffs.LeaveAtAsync(handOffTarget, store.Partition, store.Snapshot());
        }
    }

    void ILifecycleParticipant<IGrainLifecycle>.Participate(IGrainLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PartitionGrain), GrainLifecycleStage.Activate, _ => Task.CompletedTask, OnLifecycleStopAsync);

    /// <summary>
    /// Orleans stops the lifecycle of every activation, but calls <see cref="OnDeactivateAsync"/> only for one that had
    /// become valid: an activation deactivated in the instant between registering its store and Orleans marking it
    /// valid would otherwise leave its store open and serving, unknown to Orleans. Such a store is retired as one
    /// deactivated in place: its entries are parked here for the next activation.
    /// </summary>
    private Task OnLifecycleStopAsync(CancellationToken cancellationToken)
    {
        if (_store is null || _retired)
        {
            return Task.CompletedTask;
        }

        LogRetiredUnannounced(logger, _store.Partition);
        return RetireStoreAsync(DeactivationReasonCode.None, cancellationToken);
    }

    /// <summary>Closes and unregisters the store, parks or hands on its entries as <paramref name="reason"/> asks, and detaches its replication.</summary>
    private async Task RetireStoreAsync(DeactivationReasonCode reason, CancellationToken cancellationToken)
    {
        if (_store is not { } store || _retired)
        {
            return;
        }

        _retired = true;

        // Not cancellable: a store left open would go on serving beside the partition's next activation.
        using (await registry.EnterAsync(store.Partition, CancellationToken.None))
        {
            // Closing first means every later direct operation answers NotHere and goes through a grain call, which
            // Orleans holds until the partition is active again (here or on the silo it migrates to).
            registry.Unregister(store);
            var closing = new BatchContext();
            store.Close(closing);

            // Strict coherence: clients that held keys of the partition have dropped them (or their lease ran out)
            // before the partition serves anywhere else.
            await nearCaches.WhenConfirmed(closing);

            // Deactivated in place, not moving (Orleans deactivates activations whose grain directory entry lived on a
            // silo that left, for one): park the entries on this silo; the next activation takes them back.
            if (reason is not (DeactivationReasonCode.ShuttingDown or DeactivationReasonCode.Migrating))
            {
                replicas.Adopt(store.Partition, store.Snapshot());
            }
        }

        // Warm restart: a partition that moved to another silo is that silo's to write now. Any other deactivation
        // writes the partition's final state: a stopping silo (even when it also hands the partition to another
        // silo, which may be stopping too), and one deactivated in place (when a whole cluster stops, Orleans
        // deactivates the activations whose directory entry lived on a silo that left, and most never come back
        // before their own silo exits).
        if (reason == DeactivationReasonCode.Migrating)
        {
            await snapshots.ForgetAsync(store.Partition);
        }
        else
        {
            await snapshots.WriteFinalAsync(store, cancellationToken);
        }

        // What was acknowledged has reached the replica already (sync mode); this waits for the rest, bounded.
        _replicaHolder = await replication.DetachAsync(store.Partition, options.Value.ShutdownTimeout / 4);
    }

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_store is { } store)
        {
            var snapshot = store.Snapshot();
            dehydrationContext.TryAddValue(SnapshotKey, snapshot);
            if (_replicaHolder is { } holder)
            {
                dehydrationContext.TryAddValue(ReplicaHolderKey, holder.ToParsableString());
            }

            if (!_shuttingDown)
            {
                // Until the new primary's replica is in place (or, without replicas, until it is live), this silo
                // keeps a copy: a crash of the new primary right after the move, or a migration Orleans drops, then
                // loses nothing.
                replicas.Adopt(store.Partition, snapshot);
                dehydrationContext.TryAddValue(FormerPrimaryKey, silo.SiloAddress.ToParsableString());
            }
        }
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(SnapshotKey, out StoreSnapshot? snapshot))
        {
            _arriving = snapshot;
        }

        if (rehydrationContext.TryGetValue(ReplicaHolderKey, out string? holder) && holder is not null)
        {
            _replicaHolder = SiloAddress.FromParsableString(holder);
        }

        if (rehydrationContext.TryGetValue(FormerPrimaryKey, out string? former) && former is not null)
        {
            _formerPrimary = SiloAddress.FromParsableString(former);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Partition {Partition} active with {Entries} entries ({StaleReplicas} older replica(s) to retire)")]
    private static partial void LogActivated(ILogger logger, int partition, int entries, int staleReplicas);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: activation abandoned by Orleans before it finished; it serves nothing and leaves its {Entries} entries where the next activation finds them")]
    private static partial void LogAbandoned(ILogger logger, int partition, int entries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: deactivated before Orleans saw it active; retiring its store as one deactivated in place")]
    private static partial void LogRetiredUnannounced(ILogger logger, int partition);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Partition {Partition} deactivating: {Reason} ({Description})")]
    private static partial void LogDeactivating(ILogger logger, int partition, DeactivationReasonCode reason, string description);

    public Task<SiloAddress> GetLocation() => Task.FromResult(silo.SiloAddress);

    public Task<bool> MoveTo(SiloAddress target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Equals(silo.SiloAddress))
        {
            return Task.FromResult(false);
        }

        // Placement reads the request context captured here and honours the hint (PartitionPlacementDirector).
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        this.MigrateOnIdle();
        RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        return Task.FromResult(true);
    }

    public Task<KeyScanPage> ScanKeys(int cursor, byte[]? pattern, GridValueType type, int maxExamined)
    {
        if (pattern is { Length: > 0 } && pattern.Length > _limits.MaxKeyBytes)
        {
            throw new ArgumentException($"The pattern is {pattern.Length} bytes; patterns are at most {_limits.MaxKeyBytes} bytes (Grid:Limits:MaxKeyBytes).", nameof(pattern));
        }

        // One lock hold examines at most a scan batch, as pattern invalidation does.
        var keys = new List<byte[]>();
        int next = cursor <= 0 ? int.MaxValue : cursor;
        bool more = _store!.CollectKeys(pattern, type, ref next, Math.Clamp(maxExamined, 1, options.Value.Tags.ScanBatchSize), keys);
        return Task.FromResult(new KeyScanPage([.. keys], more ? next : 0));
    }

    public Task<PartitionBatchResult> Execute(byte[] requestFrame) =>
        GridActivities.IsTracing ? ExecuteTracedAsync(requestFrame) : ExecuteCore(requestFrame);

    /// <summary>The slice under a <see cref="GridTracing.PartitionExecute"/> span, child of the caller's (a silo's batch) when it sent one.</summary>
    private async Task<PartitionBatchResult> ExecuteTracedAsync(byte[] requestFrame)
    {
        using var span = GridActivities.StartFromRequest(GridTracing.PartitionExecute, ActivityKind.Server);
        span?.SetTag("grid.partition", (int)this.GetPrimaryKeyLong());
        try
        {
            var result = ExecuteCore(requestFrame);
            span?.SetTag("grid.partition.ops", new OpFrameReader(requestFrame).Count);
            return await result;
        }
        catch (Exception ex)
        {
            GridActivities.Failed(span, ex);
            throw;
        }
    }

    private Task<PartitionBatchResult> ExecuteCore(byte[] requestFrame)
    {
        RequestFrameLimits.Check(requestFrame, _limits);
        var store = _store!;
        var reader = new OpFrameReader(requestFrame);
        if (!pauseGuard.IsServing)
        {
            // Woken from a freeze: this partition may live elsewhere now; nothing runs, the caller sends it again.
            return Task.FromResult(new PartitionBatchResult(Silo.SiloEntryGrain.NotHereFrame(reader.Count), silo.SiloAddress));
        }

        var context = new BatchContext { Origin = reader.Origin };
        using var output = new FrameBuffer(16 + requestFrame.Length);
        ResultFrame.WriteHeader(output, reader.Count);
        long now = clock.NowMs;
        while (reader.TryRead(out var op, out _, out _))
        {
            if (OpValidator.TryGetError(op, _limits, out var error))
            {
                ResultFrame.Write(output, error);
            }
            else if (PartitionHasher.GetPartition(op.Key, _partitionCount) != store.Partition)
            {
                ResultFrame.Write(output, GridResult.Failure(ResultStatus.InvalidArgument, $"The key does not belong to partition {store.Partition}; the client's partition count differs from the cluster's ({_partitionCount})."));
            }
            else if (store.Execute(op, output, now, context: context) == ResultStatus.NotHere)
            {
                // Only possible while this activation deactivates: the op did not run, so the caller may safely send it again.
                ResultFrame.Write(output, GridResult.OfStatus(ResultStatus.NotHere));
            }
        }

        budget.EnforceBudget(context);
        replication.RequireReplayedReplicated(context);
        var result = new PartitionBatchResult(output.ToArray(), silo.SiloAddress);
        return context.ReplicationFence == 0 && context.InvalidationFences is null ? Task.FromResult(result) : AfterFencesAsync(context, result);
    }

    /// <summary>Answers once the replica holds what this batch wrote (sync mode) and near caches dropped it (strict coherence).</summary>
    private async Task<PartitionBatchResult> AfterFencesAsync(BatchContext context, PartitionBatchResult result)
    {
        if (context.ReplicationFence != 0)
        {
            await replication.WhenReplicated(context.ReplicationFence);
        }

        await nearCaches.WhenConfirmed(context);
        return result;
    }
}
