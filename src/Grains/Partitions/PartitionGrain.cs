using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Partitions;

/// <summary>
/// Owns one partition's <see cref="PartitionStore"/> and its lifecycle: creates and registers it on activation, closes
/// it on deactivation. Kept alive: only the memory budget decides what leaves memory, never idle collection.
/// </summary>
[KeepAlive]
[PartitionPlacement]
internal sealed class PartitionGrain(
    PartitionStoreRegistry registry,
    SiloMemoryBudget budget,
    GridClock clock,
    IOptions<GridSiloOptions> options,
    ILocalSiloDetails silo) : Grain, IPartitionGrain
{
    private readonly GridLimits _limits = options.Value.Limits;
    private readonly int _partitionCount = options.Value.PartitionCount;
    private PartitionStore? _store;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = new PartitionStore((int)this.GetPrimaryKeyLong(), clock, budget);
        registry.Register(_store);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_store is { } store)
        {
            registry.Unregister(store);
            store.Close();
        }

        return Task.CompletedTask;
    }

    public Task<PartitionBatchResult> Execute(GridOp[] ops)
    {
        var store = _store!;
        var results = new GridResult[ops.Length];
        for (int i = 0; i < ops.Length; i++)
        {
            var op = ops[i];
            if (OpValidator.TryGetError(op, _limits, out var error))
            {
                results[i] = error;
            }
            else if (PartitionHasher.GetPartition(op.Key, _partitionCount) != store.Partition)
            {
                results[i] = GridResult.Failure(ResultStatus.InvalidArgument, $"The key does not belong to partition {store.Partition}; the client's partition count differs from the cluster's ({_partitionCount}).");
            }
            else
            {
                results[i] = store.Execute(op);
            }
        }

        budget.EnforceBudget();
        return Task.FromResult(new PartitionBatchResult(results, silo.SiloAddress));
    }
}
