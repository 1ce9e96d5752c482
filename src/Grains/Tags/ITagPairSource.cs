using Grid.Grains.Partitions;
using Orleans.Runtime;

namespace Grid.Grains.Tags;

/// <summary>What a rebuilding index shard needs from the cluster (<see cref="TagIndexRebuild"/>); the grains in production, fakes in tests.</summary>
internal interface ITagPairSource
{
    /// <summary>The silos that are active now.</summary>
    SiloAddress[] ActiveSilos();

    /// <summary>Whether <paramref name="silo"/> is still active (not declared dead, not leaving).</summary>
    bool IsActive(SiloAddress silo);

    /// <summary>Asks one silo for a shard's pairs (see <see cref="TagPairCollector.CollectAsync"/>).</summary>
    Task<TagPairsAnswer> CollectAsync(SiloAddress silo, int bucket, int shard, PartitionSet? partitions);

    /// <summary>Completes once <paramref name="partition"/> is live on some silo (activating it, or waiting for it to arrive).</summary>
    Task ActivateAsync(int partition);
}
