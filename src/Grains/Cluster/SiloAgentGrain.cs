using System.Diagnostics;
using Grid.Grains.Balancing;
using Grid.Grains.Memory;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Silo;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Tracing;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Grid.Grains.Cluster;

/// <summary>
/// Silo-to-silo control endpoint of one silo: memory load for placement, the replicas it keeps, the tag/key pairs of
/// its entries for a rebuilding index shard, and its rebalance progress and settings. It refuses to work
/// anywhere but on the silo its key names (placement falls back to another silo when that one is gone), so a replica
/// never lands on a silo its primary did not choose.
/// </summary>
[Reentrant]
[KeepAlive]
[SiloTargetedPlacement]
internal sealed class SiloAgentGrain(
    ReplicaRegistry replicas,
    PartitionStoreRegistry partitions,
    SiloMemoryBudget budget,
    TagPairCollector tagPairs,
    RebalanceControl rebalance,
    RebalanceSteering steering,
    ILocalSiloDetails silo) : Grain, ISiloAgentGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (this.GetPrimaryKeyString() != silo.SiloAddress.ToParsableString())
        {
            // The silo this agent stands for is gone; do not linger here.
            this.DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public Task<SiloLoad> GetLoad()
    {
        EnsureHome();
        return Task.FromResult(new SiloLoad(budget.UsedBytes, budget.BudgetBytes, partitions.All.Length));
    }

    public Task<int[]> Replicate(byte[] frame)
    {
        EnsureHome();
        if (!GridActivities.IsTracing)
        {
            // Decoded whole before anything applies: a malformed frame changes nothing.
            return Task.FromResult(replicas.Apply(ReplicaFrame.Decode(frame)));
        }

        // Traced: the shipment's span is the parent; the current activity is put back, this method being synchronous.
        var previous = Activity.Current;
        int[] reseed;
        using (var span = GridActivities.StartFromRequest(GridTracing.ReplicationApply, ActivityKind.Server))
        {
            span?.SetTag("grid.replication.bytes", frame.Length);
            try
            {
                var items = ReplicaFrame.Decode(frame);
                span?.SetTag("grid.replication.items", items.Length);
                reseed = replicas.Apply(items);
            }
            catch (Exception ex)
            {
                GridActivities.Failed(span, ex);
                throw;
            }
        }

        Activity.Current = previous;
        return Task.FromResult(reseed);
    }

    public Task<long> GetReplicaVersion(int partition)
    {
        EnsureHome();
        return Task.FromResult(replicas.VersionOf(partition));
    }

    public Task<long[]> GetReplicaVersions(int[] partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        EnsureHome();
        return Task.FromResult(replicas.VersionsOf(partitions));
    }

    public Task<StoreSnapshot?> GetReplica(int partition)
    {
        EnsureHome();
        return Task.FromResult(replicas.Snapshot(partition));
    }

    public async Task<bool> Park(int partition, StoreSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        EnsureHome();

        // In the partition's turn: an activation here is either past registering its store (refused) or has not yet
        // looked for copies (it finds this one), never in between.
        using (await partitions.EnterAsync(partition, CancellationToken.None))
        {
            if (partitions.TryGet(partition) is not null)
            {
                return false;
            }

            replicas.Adopt(partition, snapshot);
            return true;
        }
    }

    public Task<TagPairsAnswer> CollectTagPairs(int bucket, int shard, PartitionSet? partitions)
    {
        EnsureHome();
        return tagPairs.CollectAsync(bucket, shard, partitions);
    }

    public Task<GridRebalanceProgress> GetRebalanceProgress()
    {
        EnsureHome();
        return Task.FromResult(rebalance.LocalProgress());
    }

    public Task<GridRebalanceSettings> GetRebalanceSettings()
    {
        EnsureHome();
        return Task.FromResult(steering.Current);
    }

    public Task<GridRebalanceSettings> ApplyRebalanceSettings(GridRebalanceSettings settings)
    {
        EnsureHome();
        return Task.FromResult(steering.Adopt(settings));
    }

    private void EnsureHome()
    {
        if (this.GetPrimaryKeyString() != silo.SiloAddress.ToParsableString())
        {
            throw new InvalidOperationException($"The agent of silo {this.GetPrimaryKeyString()} runs on {silo.SiloAddress}: that silo is gone.");
        }
    }
}
