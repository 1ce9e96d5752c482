using Grid.Grains.Balancing;
using Grid.Grains.Cluster;
using Grid.Grains.Invalidation;
using Grid.Grains.Partitions;
using Orleans.Runtime;

namespace Grid.Grains.Tags;

/// <summary>The cluster as a rebuilding index shard sees it: membership, the silo agents, the partition grains.</summary>
internal sealed class GrainTagPairSource(IGrainFactory grains, IClusterMembershipService membership) : ITagPairSource
{
    public SiloAddress[] ActiveSilos() => ClusterSilos.Active(membership);

    public bool IsActive(SiloAddress silo) => membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Active;

    public Task<TagPairsAnswer> CollectAsync(SiloAddress silo, int bucket, int shard, PartitionSet? partitions) =>
        grains.GetGrain<ISiloAgentGrain>(silo.ToParsableString()).CollectTagPairs(bucket, shard, partitions);

    public Task ActivateAsync(int partition) => grains.GetGrain<IPartitionControlGrain>(partition).GetLocation();
}
