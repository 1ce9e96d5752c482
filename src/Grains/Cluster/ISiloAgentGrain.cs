using Grid.Grains.Replication;
using Grid.Grains.Storage;

namespace Grid.Grains.Cluster;

/// <summary>
/// Silo-to-silo control of one silo (key: the silo's parsable address; placed on that silo): its memory load, and the
/// replicas it keeps for partitions whose primary lives on another silo.
/// </summary>
[Alias("grid.ISiloAgentGrain")]
internal interface ISiloAgentGrain : IGrainWithStringKey
{
    /// <summary>The silo's accounted bytes and budget.</summary>
    [Alias("GetLoad")]
    Task<SiloLoad> GetLoad();

    /// <summary>Applies replication items (seeds, writes, removals, drops) from one primary silo, in order.</summary>
    [Alias("Replicate")]
    Task Replicate(ReplicaItem[] items);

    /// <summary>The version of this silo's replica of <paramref name="partition"/>, or -1 when it has none.</summary>
    [Alias("GetReplicaVersion")]
    Task<long> GetReplicaVersion(int partition);

    /// <summary>A copy of this silo's replica of <paramref name="partition"/>, or null when it has none.</summary>
    [Alias("GetReplica")]
    Task<StoreSnapshot?> GetReplica(int partition);
}

/// <summary>A silo's memory use against its budget.</summary>
[GenerateSerializer, Immutable, Alias("grid.SiloLoad")]
internal readonly record struct SiloLoad([property: Id(0)] long UsedBytes, [property: Id(1)] long BudgetBytes, [property: Id(2)] int Partitions)
{
    /// <summary>Used bytes as a fraction of the budget.</summary>
    public double Fraction => BudgetBytes <= 0 ? 0 : (double)UsedBytes / BudgetBytes;
}
