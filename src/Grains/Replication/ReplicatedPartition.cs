using Grid.Grains.Storage;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>A primary partition live on this silo, attached to the <see cref="ReplicationOutbox"/>, and the silo its replica is on.</summary>
internal sealed class ReplicatedPartition(PartitionStore store)
{
    public PartitionStore Store { get; } = store;

    public int Partition => Store.Partition;

    /// <summary>The silo that holds the replica (null: no other silo).</summary>
    public SiloAddress? Target { get; set; }

    /// <summary>The sequence number of the partition's latest item (seed or change).</summary>
    public long LastSequence { get; set; }

    /// <summary>The version of the partition's latest change queued since its latest seed (0: none since).</summary>
    public long LastVersion { get; set; }
}
