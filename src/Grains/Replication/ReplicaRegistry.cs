using Grid.Grains.Memory;
using Grid.Grains.Storage;

namespace Grid.Grains.Replication;

/// <summary>
/// The replicas this silo keeps for partitions whose primary lives on another silo. A replica is a
/// <see cref="PartitionStore"/> that is never served, swept or evicted from: it only follows its primary's items
/// (evictions and expirations included). Its bytes are counted apart from the silo's memory budget: the primary's own
/// silo budgets them, and evicting primaries here to make room for other silos' replicas would empty this silo's cache.
/// A silo therefore holds up to about (1 + replicas) × <c>MaxMemoryBytes</c> of entries.
/// </summary>
internal sealed class ReplicaRegistry(GridClock clock) : IMemoryAccount
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Replica> _replicas = [];
    private long _bytes;

    /// <summary>Bytes accounted by replica stores.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    void IMemoryAccount.Add(long deltaBytes) => Interlocked.Add(ref _bytes, deltaBytes);

    /// <summary>Replicas held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _replicas.Count;
            }
        }
    }

    /// <summary>Entries held in replicas.</summary>
    public long Entries
    {
        get
        {
            lock (_gate)
            {
                long entries = 0;
                foreach (var replica in _replicas.Values)
                {
                    entries += replica.Store.Count;
                }

                return entries;
            }
        }
    }

    /// <summary>
    /// Applies items of one primary silo, in order. Returns the partitions whose replica could not follow a delta (it
    /// missed a change, or its copy does not match): their replica is dropped here (never promoted, never served) and
    /// the primary must seed it again. Empty when every item applied.
    /// </summary>
    public int[] Apply(ReplicaItem[] items)
    {
        List<int>? reseed = null;
        lock (_gate)
        {
            foreach (var item in items)
            {
                if (!Apply(item))
                {
                    reseed ??= [];
                    if (!reseed.Contains(item.Partition))
                    {
                        reseed.Add(item.Partition);
                    }
                }
            }
        }

        return reseed is null ? [] : [.. reseed];
    }

    /// <summary>Applies one item; false when it was a delta this replica cannot follow (the replica is dropped).</summary>
    private bool Apply(ReplicaItem item)
    {
        _replicas.TryGetValue(item.Partition, out var replica);
        switch (item.Kind)
        {
            case ReplicaItemKind.Seed:
                var seed = item.Seed ?? throw new ArgumentException("A seed item carries no snapshot.", nameof(item));
                if (replica is not null && seed.Version < replica.Version)
                {
                    // An older seed arriving late (a shipment sent again after its bound, the first call delivered after
                    // all): the replica already holds newer state; taking the seed would lose what came after it.
                    break;
                }

                replica?.Store.Close();
                var store = new PartitionStore(item.Partition, clock, this);
                store.Restore(seed);
                _replicas[item.Partition] = new Replica(store) { Version = seed.Version };
                break;
            case ReplicaItemKind.Drop:
                if (replica is not null && replica.Version <= item.Version)
                {
                    replica.Store.Close();
                    _replicas.Remove(item.Partition);
                }

                break;
            case ReplicaItemKind.Request:
                replica?.Store.ApplyReplicaRequest(item.RequestClient, item.RequestId, item.CompletedBelow, item.Record ?? throw new ArgumentException("A request item carries no answer.", nameof(item)));
                break;
            case ReplicaItemKind.Write or ReplicaItemKind.Remove or ReplicaItemKind.Delta:
                if (replica is null)
                {
                    // Items of a partition always follow its seed; without one (dropped meanwhile) there is nothing to keep up to date.
                    return true;
                }

                if (item.Version <= replica.Version)
                {
                    return true;
                }

                if (item.Kind == ReplicaItemKind.Delta)
                {
                    // A delta applies only on top of the state it followed: a replica older than the previous change
                    // missed one. Such a copy (or one the delta does not fit) is dropped rather than kept diverged.
                    var delta = item.Delta ?? throw new ArgumentException("A delta item carries no delta.", nameof(item));
                    var record = item.Record ?? throw new ArgumentException("A delta item carries no record.", nameof(item));
                    if (item.PreviousVersion > replica.Version || !replica.Store.ApplyReplicaDelta(record, delta))
                    {
                        replica.Store.Close();
                        _replicas.Remove(item.Partition);
                        return false;
                    }
                }
                else if (item.Kind == ReplicaItemKind.Remove)
                {
                    replica.Store.ApplyReplicaRemove(item.Record);
                }
                else
                {
                    object entry = item.Structure is { } structure ? structure.ToEntry() : item.Record!;
                    replica.Store.ApplyReplicaWrite(entry);
                }

                replica.Version = item.Version;
                break;
            default:
                throw new ArgumentException($"Unknown replica item kind {item.Kind}.", nameof(item));
        }

        return true;
    }

    /// <summary>
    /// Keeps a copy of a partition that leaves its store here: one handed off to another silo (kept until the new
    /// primary's replica is in place, when the new primary tells this silo to drop it), or one deactivated in place
    /// (taken back by its next activation, which looks for the newest copy).
    /// </summary>
    public void Adopt(int partition, StoreSnapshot snapshot)
    {
        lock (_gate)
        {
            Apply(new ReplicaItem { Kind = ReplicaItemKind.Seed, Partition = partition, Version = snapshot.Version, Seed = snapshot });
        }
    }

    /// <summary>The version of the replica of <paramref name="partition"/>, or -1.</summary>
    public long VersionOf(int partition)
    {
        lock (_gate)
        {
            return _replicas.TryGetValue(partition, out var replica) ? replica.Version : -1;
        }
    }

    /// <summary>
    /// The versions of the replicas of <paramref name="partitions"/> (-1 where there is none), in order, read under one
    /// lock: a silo answers many activating partitions' questions in one call (<see cref="ReplicaVersionAsks"/>).
    /// </summary>
    public long[] VersionsOf(int[] partitions)
    {
        var versions = new long[partitions.Length];
        lock (_gate)
        {
            for (int i = 0; i < partitions.Length; i++)
            {
                versions[i] = _replicas.TryGetValue(partitions[i], out var replica) ? replica.Version : -1;
            }
        }

        return versions;
    }

    /// <summary>A copy of the replica of <paramref name="partition"/> (its version is the replica's), or null.</summary>
    public StoreSnapshot? Snapshot(int partition)
    {
        lock (_gate)
        {
            if (!_replicas.TryGetValue(partition, out var replica))
            {
                return null;
            }

            var snapshot = replica.Store.Snapshot();
            snapshot.Version = replica.Version;
            return snapshot;
        }
    }

    /// <summary>
    /// The store of this silo's replica of <paramref name="partition"/>, or null: read it only through its own locked
    /// methods (the tag index walks it while the partition has no live primary).
    /// </summary>
    public PartitionStore? StoreOf(int partition)
    {
        lock (_gate)
        {
            return _replicas.TryGetValue(partition, out var replica) ? replica.Store : null;
        }
    }

    /// <summary>The partitions this silo holds a replica of.</summary>
    public int[] Partitions()
    {
        lock (_gate)
        {
            return [.. _replicas.Keys];
        }
    }

    /// <summary>Forgets the replica of <paramref name="partition"/> (this silo became its primary).</summary>
    public void Remove(int partition)
    {
        lock (_gate)
        {
            if (_replicas.Remove(partition, out var replica))
            {
                replica.Store.Close();
            }
        }
    }

    private sealed class Replica(PartitionStore store)
    {
        public PartitionStore Store { get; } = store;

        public long Version { get; set; }
    }
}
