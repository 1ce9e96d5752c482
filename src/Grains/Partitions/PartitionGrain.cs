using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Partitions;

/// <summary>
/// Owns one partition's <see cref="PartitionStore"/> and its lifecycle: creates and registers it on activation, closes
/// it on deactivation, and carries its entries when Orleans migrates the grain to another silo (explicit migration,
/// or graceful silo shutdown). Kept alive: only the memory budget decides what leaves memory, never idle collection.
/// </summary>
[KeepAlive]
[PartitionPlacement]
internal sealed class PartitionGrain(
    PartitionStoreRegistry registry,
    SiloMemoryBudget budget,
    GridClock clock,
    StoreChangeListeners listeners,
    IReadTracker tracker,
    IOptions<GridSiloOptions> options,
    ILocalSiloDetails silo) : Grain, IPartitionGrain, IGrainMigrationParticipant
{
    private const string SnapshotKey = "grid.store";

    private readonly GridLimits _limits = options.Value.Limits;
    private readonly int _partitionCount = options.Value.PartitionCount;
    private PartitionStore? _store;
    private StoreSnapshot? _arriving;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var store = new PartitionStore((int)this.GetPrimaryKeyLong(), clock, budget, listeners.OrNull, tracker);
        if (_arriving is { } snapshot)
        {
            store.Restore(snapshot);
            _arriving = null;
        }

        _store = store;
        registry.Register(store);
        budget.EnforceBudget();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Closing first means every later direct operation answers NotHere and goes through a grain call, which
        // Orleans holds until the partition is active again (here or on the silo it migrates to).
        if (_store is { } store)
        {
            registry.Unregister(store);
            store.Close();
        }

        return Task.CompletedTask;
    }

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_store is { } store)
        {
            dehydrationContext.TryAddValue(SnapshotKey, store.Snapshot());
        }
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(SnapshotKey, out StoreSnapshot? snapshot))
        {
            _arriving = snapshot;
        }
    }

    public Task<PartitionBatchResult> Execute(byte[] requestFrame)
    {
        var store = _store!;
        var reader = new OpFrameReader(requestFrame);
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
            else if (store.Execute(op, output, now) == ResultStatus.NotHere)
            {
                // Only possible while this activation deactivates, when Orleans delivers no calls: report it, never drop it.
                ResultFrame.Write(output, GridResult.Failure(ResultStatus.Error, $"Partition {store.Partition} is closed on this silo."));
            }
        }

        budget.EnforceBudget();
        return Task.FromResult(new PartitionBatchResult(output.ToArray(), silo.SiloAddress));
    }
}
