using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Grid.Grains.Silo;

/// <summary>
/// The silo's batch entry. Each operation of a batch runs directly on this silo's store of its partition, under the
/// store's lock; operations whose partition is not live here go, grouped per partition and in their original order,
/// through partition grain calls, and the answer tells the client where those partitions are.
/// </summary>
[Reentrant]
[KeepAlive]
[SiloTargetedPlacement]
internal sealed class SiloEntryGrain(
    PartitionStoreRegistry registry,
    SiloMemoryBudget budget,
    IOptions<GridSiloOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    ILocalSiloDetails silo) : Grain, ISiloEntryGrain
{
    private readonly GridLimits _limits = options.Value.Limits;
    private readonly int _partitionCount = options.Value.PartitionCount;

    public Task<SiloBatchResult> Execute(GridOp[] ops)
    {
        var results = new GridResult[ops.Length];
        List<(int Partition, int Index)>? remote = null;
        for (int i = 0; i < ops.Length; i++)
        {
            var op = ops[i];
            if (OpValidator.TryGetError(op, _limits, out var error))
            {
                results[i] = error;
                continue;
            }

            int partition = PartitionHasher.GetPartition(op.Key, _partitionCount);
            // Once an op of a partition went remote, later ops of that partition follow it, so their order holds.
            if ((remote is null || !ContainsPartition(remote, partition)) && registry.TryGet(partition) is { } store)
            {
                var result = store.Execute(op);
                if (result.Status != ResultStatus.NotHere)
                {
                    results[i] = result;
                    continue;
                }
            }

            (remote ??= []).Add((partition, i));
        }

        budget.EnforceBudget();
        return remote is null
            ? Task.FromResult(new SiloBatchResult(results, null))
            : ExecuteRemote(ops, results, remote);
    }

    private async Task<SiloBatchResult> ExecuteRemote(GridOp[] ops, GridResult[] results, List<(int Partition, int Index)> remote)
    {
        var groups = new Dictionary<int, List<int>>();
        foreach (var (partition, index) in remote)
        {
            if (!groups.TryGetValue(partition, out var indexes))
            {
                groups[partition] = indexes = [];
            }

            indexes.Add(index);
        }

        var calls = new List<(int Partition, List<int> Indexes, Task<PartitionBatchResult> Call)>(groups.Count);
        foreach (var (partition, indexes) in groups)
        {
            var batch = new GridOp[indexes.Count];
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i] = ops[indexes[i]];
            }

            calls.Add((partition, indexes, GrainFactory.GetGrain<IPartitionGrain>(partition).Execute(batch)));
        }

        List<PartitionLocation>? moved = null;
        foreach (var (partition, indexes, call) in calls)
        {
            var answer = await call;
            for (int i = 0; i < indexes.Count; i++)
            {
                results[indexes[i]] = answer.Results[i];
            }

            if (!answer.Silo.Equals(silo.SiloAddress))
            {
                (moved ??= []).Add(new PartitionLocation(partition, answer.Silo));
            }
        }

        return new SiloBatchResult(results, moved?.ToArray());
    }

    private static bool ContainsPartition(List<(int Partition, int Index)> remote, int partition)
    {
        foreach (var (p, _) in remote)
        {
            if (p == partition)
            {
                return true;
            }
        }

        return false;
    }

    public Task<GridClusterInfo> GetClusterInfo() =>
        Task.FromResult(new GridClusterInfo(_partitionCount, _limits, clusterOptions.Value.ServiceId, clusterOptions.Value.ClusterId));

    public Task<GridSiloStatistics> CollectGarbage()
    {
        if (!options.Value.EnableDiagnostics)
        {
            throw new InvalidOperationException("Diagnostics are disabled on this silo; set Grid:EnableDiagnostics=true to allow a forced GC.");
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GetStatistics();
    }

    public Task<GridSiloStatistics> GetStatistics()
    {
        var totals = new StoreCounters();
        registry.Retired.AddTo(totals);
        long entries = 0;
        var stores = registry.All;
        foreach (var store in stores)
        {
            store.Counters.AddTo(totals);
            entries += store.Count;
        }

        return Task.FromResult(new GridSiloStatistics
        {
            Silo = silo.SiloAddress.ToParsableString(),
            Partitions = stores.Length,
            Entries = entries,
            Bytes = budget.UsedBytes,
            BudgetBytes = budget.BudgetBytes,
            Hits = totals.Hits,
            Misses = totals.Misses,
            Evictions = totals.Evictions,
            Expirations = totals.Expirations,
            Operations = totals.Operations,
            GcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
        });
    }
}
