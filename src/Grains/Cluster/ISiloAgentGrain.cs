using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Grains.Tags;

namespace Grid.Grains.Cluster;

/// <summary>
/// Silo-to-silo control of one silo (key: the silo's parsable address; placed on that silo): its memory load, the
/// replicas it keeps for partitions whose primary lives on another silo, the tag/key pairs its entries hold (for an
/// index shard that rebuilds its sets), and its rebalance progress and settings.
/// </summary>
[Alias("grid.ISiloAgentGrain")]
internal interface ISiloAgentGrain : IGrainWithStringKey
{
    /// <summary>The silo's accounted bytes and budget.</summary>
    [Alias("GetLoad")]
    Task<SiloLoad> GetLoad();

    /// <summary>
    /// Applies one <see cref="ReplicaFrame"/> of replication items (seeds, writes, deltas, removals, drops) from one
    /// primary silo, in order; a malformed frame fails the call and applies nothing. Returns the partitions whose replica
    /// could not follow a delta (dropped here): the primary seeds them again.
    /// </summary>
    [Alias("Replicate")]
    Task<int[]> Replicate(byte[] frame);

    /// <summary>The version of this silo's replica of <paramref name="partition"/>, or -1 when it has none.</summary>
    [Alias("GetReplicaVersion")]
    Task<long> GetReplicaVersion(int partition);

    /// <summary>
    /// The versions of this silo's replicas of <paramref name="partitions"/>, in order (-1 where it has none): the
    /// questions of many partitions activating at once, asked in one call (<see cref="ReplicaVersionAsks"/>).
    /// </summary>
    [Alias("GetReplicaVersions")]
    Task<long[]> GetReplicaVersions(int[] partitions);

    /// <summary>A copy of this silo's replica of <paramref name="partition"/>, or null when it has none.</summary>
    [Alias("GetReplica")]
    Task<StoreSnapshot?> GetReplica(int partition);

    /// <summary>
    /// Parks <paramref name="snapshot"/> here as this silo's copy of <paramref name="partition"/> (a hand-off copy of a
    /// partition without replicas, <see cref="HandOffCopies"/>), where the partition's next activation looks for it.
    /// False, and nothing kept, when the partition is live on this silo: a copy beside a live primary could only come
    /// back stale after a crash.
    /// </summary>
    [Alias("Park")]
    Task<bool> Park(int partition, StoreSnapshot snapshot);

    /// <summary>
    /// The tag/key pairs of index shard <c>{bucket}#{shard}</c> in this silo's live partitions (<paramref name="partitions"/>
    /// null), or in the given partitions (from the primary if it is live here, else from a replica here). Concurrent
    /// requests share one walk of the stores (<see cref="TagPairCollector"/>).
    /// </summary>
    [Alias("CollectTagPairs")]
    Task<TagPairsAnswer> CollectTagPairs(int bucket, int shard, PartitionSet? partitions);

    /// <summary>This silo's rebalance progress (the cluster's status sums every silo's).</summary>
    [Alias("GetRebalanceProgress")]
    Task<GridRebalanceProgress> GetRebalanceProgress();

    /// <summary>The rebalance settings in force on this silo (a joining silo asks for the newest).</summary>
    [Alias("GetRebalanceSettings")]
    Task<GridRebalanceSettings> GetRebalanceSettings();

    /// <summary>Adopts <paramref name="settings"/> when newer than those in force here; returns those in force after.</summary>
    [Alias("ApplyRebalanceSettings")]
    Task<GridRebalanceSettings> ApplyRebalanceSettings(GridRebalanceSettings settings);
}

/// <summary>A silo's memory use against its budget.</summary>
[GenerateSerializer, Immutable, Alias("grid.SiloLoad")]
internal readonly record struct SiloLoad([property: Id(0)] long UsedBytes, [property: Id(1)] long BudgetBytes, [property: Id(2)] int Partitions)
{
    /// <summary>Used bytes as a fraction of the budget.</summary>
    public double Fraction => BudgetBytes <= 0 ? 0 : (double)UsedBytes / BudgetBytes;
}
