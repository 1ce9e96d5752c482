using Grid.Grains.Storage;

namespace Grid.Grains.Replication;

/// <summary>What a <see cref="ReplicaItem"/> does to a replica.</summary>
internal enum ReplicaItemKind : byte
{
    /// <summary>An entry's state after a write: <see cref="ReplicaItem.Record"/> (string, counter) or <see cref="ReplicaItem.Structure"/> (hash, list).</summary>
    Write = 1,

    /// <summary>An entry left (deleted, expired or evicted); <see cref="ReplicaItem.Record"/> holds its key.</summary>
    Remove = 2,

    /// <summary>The whole partition (<see cref="ReplicaItem.Seed"/>) replaces the replica.</summary>
    Seed = 3,

    /// <summary>The replica is obsolete (the partition's replica lives elsewhere now): drop it unless it is newer than <see cref="ReplicaItem.Version"/>.</summary>
    Drop = 4,

    /// <summary>
    /// The primary's answer to a write with a request id (<see cref="ReplicaItem.Record"/>), kept so that the write sent
    /// again after a failover is answered, not applied twice. Applied whatever its version (it changes no entry).
    /// </summary>
    Request = 5,
}

/// <summary>
/// One change shipped from a partition's primary to its replica. Replicas receive entry state, never operations, so
/// applying is deterministic; items of a partition carry its version and a replica ignores anything not newer than
/// what it has (which also makes a retried shipment harmless).
/// </summary>
[GenerateSerializer, Alias("grid.ReplicaItem")]
internal sealed class ReplicaItem
{
    [Id(0)] public ReplicaItemKind Kind { get; set; }

    [Id(1)] public int Partition { get; set; }

    /// <summary>The partition's version after this change (for a seed: the snapshot's version).</summary>
    [Id(2)] public long Version { get; set; }

    /// <summary>Write: the entry's record (a copy). Remove: the key. Request: the encoded answer.</summary>
    [Id(3)] public byte[]? Record { get; set; }

    /// <summary>Write of a hash or list: its record and elements.</summary>
    [Id(4)] public StructureSnapshot? Structure { get; set; }

    /// <summary>Seed: every entry of the partition.</summary>
    [Id(5)] public StoreSnapshot? Seed { get; set; }

    /// <summary>Request: the client that numbered it.</summary>
    [Id(6)] public ulong RequestClient { get; set; }

    /// <summary>Request: its id.</summary>
    [Id(7)] public long RequestId { get; set; }

    /// <summary>Request: that client's requests below this one have all completed.</summary>
    [Id(8)] public long CompletedBelow { get; set; }

    /// <summary>Approximate bytes on the wire, to size shipments.</summary>
    public int EstimatedBytes
    {
        get
        {
            long bytes = 24 + (Record?.Length ?? 0);
            if (Structure is { } structure)
            {
                bytes += structure.Record.Length;
                foreach (var value in structure.Values)
                {
                    bytes += value.Length + 8;
                }
            }

            if (Seed is { } seed)
            {
                foreach (var record in seed.Records)
                {
                    bytes += record.Length + 8;
                }

                bytes += seed.Structures.Length * 64L;
            }

            return (int)Math.Min(int.MaxValue, bytes);
        }
    }
}
