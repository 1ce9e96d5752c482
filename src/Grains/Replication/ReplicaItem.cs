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

    /// <summary>
    /// What one operation changed in a hash or list (<see cref="ReplicaItem.Delta"/>) and the entry's new record
    /// (<see cref="ReplicaItem.Record"/>); applied only on top of the state it followed (<see cref="ReplicaItem.PreviousVersion"/>).
    /// </summary>
    Delta = 6,
}

/// <summary>
/// One change shipped from a partition's primary to its replica. Strings, counters and removals travel as the entry's
/// state; hashes and lists as the operation's <see cref="StructureDelta"/>, applied only on top of the state it
/// followed (<see cref="PreviousVersion"/>), so a replica that cannot follow asks for a seed instead of diverging.
/// Items of a partition carry its version and a replica ignores anything not newer than what it has (which also makes
/// a retried shipment harmless). On the wire a batch of items is one <see cref="ReplicaFrame"/>.
/// </summary>
internal sealed class ReplicaItem
{
    public ReplicaItemKind Kind { get; set; }

    public int Partition { get; set; }

    /// <summary>The partition's version after this change (for a seed: the snapshot's version).</summary>
    public long Version { get; set; }

    /// <summary>
    /// Write, Remove, Delta: the version of the partition's previous change queued for this replica since its seed (0:
    /// none since the seed). A replica older than this missed a change, so it cannot apply a delta on top.
    /// </summary>
    public long PreviousVersion { get; set; }

    /// <summary>Write, Delta: the entry's record (a copy). Remove: the key. Request: the encoded answer.</summary>
    public byte[]? Record { get; set; }

    /// <summary>Write of a hash or list (a fallback: deltas are the rule): its record and elements.</summary>
    public StructureSnapshot? Structure { get; set; }

    /// <summary>Delta: what the operation changed in the hash or list.</summary>
    public StructureDelta? Delta { get; set; }

    /// <summary>Seed: every entry of the partition.</summary>
    public StoreSnapshot? Seed { get; set; }

    /// <summary>Request: the client that numbered it.</summary>
    public ulong RequestClient { get; set; }

    /// <summary>Request: its id.</summary>
    public long RequestId { get; set; }

    /// <summary>Request: that client's requests below this one have all completed.</summary>
    public long CompletedBelow { get; set; }

    /// <summary>
    /// The item for a store's change (not <see cref="StoreChangeKind.TrackingEvicted"/>), under the store's lock: what
    /// must outlive the call is copied (records), elements are shared (a store never modifies one in place).
    /// <see cref="PreviousVersion"/> is left for the outbox to chain.
    /// </summary>
    public static ReplicaItem From(in StoreChange change)
    {
        var item = new ReplicaItem { Partition = change.Partition, Version = change.Version };
        if (change.Kind == StoreChangeKind.RequestRecorded)
        {
            item.Kind = ReplicaItemKind.Request;
            item.Record = change.Answer;
            item.RequestClient = change.RequestClient;
            item.RequestId = change.RequestId;
            item.CompletedBelow = change.CompletedBelow;
        }
        else if (change.Kind == StoreChangeKind.Written)
        {
            if (change.Complex is not { } complex)
            {
                item.Kind = ReplicaItemKind.Write;
                item.Record = change.Record.ToArray();
            }
            else if (change.Delta is { } delta)
            {
                // What the operation changed (a field, a few elements) and the record (expiry, tags): O(change), not O(structure).
                item.Kind = ReplicaItemKind.Delta;
                item.Record = complex.Record.AsSpan().ToArray();
                item.Delta = delta;
            }
            else
            {
                // A structure written by a path that did not describe its change: the whole structure, as before.
                item.Kind = ReplicaItemKind.Write;
                item.Structure = StructureSnapshot.From(complex);
            }
        }
        else
        {
            item.Kind = ReplicaItemKind.Remove;
            item.Record = change.Key.ToArray();
        }

        return item;
    }

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

            if (Delta is { } delta)
            {
                bytes += (delta.Field?.Length ?? 0) * 3 + (delta.Value?.Length ?? 0);
                if (delta.Values is { } values)
                {
                    foreach (var value in values)
                    {
                        bytes += value.Length + 4;
                    }
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
