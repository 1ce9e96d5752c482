using Grid.Grains.Partitions;

namespace Grid.Grains.Tags;

/// <summary>What one silo holds for one tag index shard (see <see cref="Cluster.ISiloAgentGrain.CollectTagPairs"/>).</summary>
[GenerateSerializer, Immutable, Alias("grid.TagPairsAnswer")]
internal sealed class TagPairsAnswer
{
    /// <summary>A <see cref="TagUpdateFrame"/> adding every tag/key pair of the shard found in the partitions walked.</summary>
    [Id(0)] public byte[] Updates { get; init; } = TagUpdateFrame.Build(0, []);

    /// <summary>Pairs in <see cref="Updates"/>.</summary>
    [Id(1)] public int Pairs { get; init; }

    /// <summary>The partitions whose entries the silo walked (or found without tagged entries).</summary>
    [Id(2)] public PartitionSet Scanned { get; init; } = new();

    /// <summary>
    /// The partitions the silo knows exist: every one ever live on it and every one it holds a replica of. A partition
    /// known somewhere but walked nowhere is between silos, or has no live primary; the shard asks again for it.
    /// </summary>
    [Id(3)] public PartitionSet Known { get; init; } = new();
}
