using Grid.Grains.Storage;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>
/// A primary partition live on this silo, attached to the <see cref="ReplicationOutbox"/>, and the silo its replica is
/// on. Its state is used under its <see cref="Gate"/>: the store's changes are queued under it (one partition's lock,
/// not one shared by all), and the outbox takes it (inside its own lock) to re-target or seed the partition.
/// </summary>
internal sealed class ReplicatedPartition(PartitionStore store)
{
    /// <summary>Orders this partition's changes with its seeds and re-targeting (lock order: outbox lock, this, a queue's gate).</summary>
    public Lock Gate { get; } = new();

    public PartitionStore Store { get; } = store;

    public int Partition => Store.Partition;

    /// <summary>The silo that holds the replica (null: no other silo).</summary>
    public SiloAddress? Target { get; set; }

    /// <summary>The live queue of <see cref="Target"/> (null with no target): where the partition's changes go.</summary>
    public ReplicaQueue? Queue { get; set; }

    /// <summary>The sequence number of the partition's latest item (seed or change).</summary>
    public long LastSequence { get; set; }

    /// <summary>The version of the partition's latest change queued since its latest seed (0: none since).</summary>
    public long LastVersion { get; set; }
}
