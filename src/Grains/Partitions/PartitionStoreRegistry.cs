using Grid.Grains.Replication;
using Grid.Grains.Storage;

namespace Grid.Grains.Partitions;

/// <summary>
/// The partition stores live on this silo. A partition grain registers its store on activation and removes it on
/// deactivation; the silo's batch entry, the expiry sweeper and the memory budget find stores here.
/// </summary>
internal sealed class PartitionStoreRegistry
{
    private readonly Lock _gate = new();
    private readonly PartitionStore?[] _byPartition;
    private readonly bool[] _wasHere;
    private PartitionStore[] _all = [];
    private readonly StoreCounters _retired = new();
    private readonly SemaphoreSlim?[] _turns;

    public PartitionStoreRegistry(Microsoft.Extensions.Options.IOptions<Hosting.GridSiloOptions> options)
        : this(options.Value.PartitionCount)
    {
    }

    internal PartitionStoreRegistry(int partitionCount)
    {
        _byPartition = new PartitionStore?[partitionCount];
        _wasHere = new bool[partitionCount];
        _turns = new SemaphoreSlim?[partitionCount];
    }

    public int PartitionCount => _byPartition.Length;

    /// <summary>The live stores, as an immutable snapshot.</summary>
    public PartitionStore[] All => Volatile.Read(ref _all);

    /// <summary>Counters of stores that have since left this silo, so silo totals never go backwards.</summary>
    public StoreCounters Retired => _retired;

    public PartitionStore? TryGet(int partition) => Volatile.Read(ref _byPartition[partition]);

    /// <summary>
    /// Whether <paramref name="partition"/> was ever live on this silo (it may have moved on since): the tag index asks,
    /// to learn which partitions exist somewhere even while one is between silos.
    /// </summary>
    public bool WasHere(int partition) => Volatile.Read(ref _wasHere[partition]);

    /// <summary>
    /// This silo becomes <paramref name="partition"/>'s primary (recovered from, or arrived onto, its replica here): drops
    /// the replica, having first marked the partition as here. Between the two registries' views there must be no moment
    /// where neither knows it: a rebuilding tag index shard asking then would learn of it from no silo (its primary died
    /// or moved away) and never ask for its entries (an invalidation after a crash then missed a few tagged entries).
    /// </summary>
    public void TakeOverFromReplica(int partition, ReplicaRegistry replicas)
    {
        Volatile.Write(ref _wasHere[partition], true);
        replicas.Remove(partition);
    }

    /// <summary>
    /// Waits until no other activation of <paramref name="partition"/> on this silo is between taking its entries and
    /// registering its store (or putting them back), nor between closing its store and parking its entries. Orleans
    /// can start a new activation of a grain while an abandoned one (deactivated while still activating: its
    /// <c>OnActivateAsync</c> is cancelled and no longer awaited) still runs; without this turn the new one looked for
    /// the entries while the old one held them, started empty, and an acknowledged write was lost.
    /// </summary>
    public async ValueTask<PartitionTurn> EnterAsync(int partition, CancellationToken cancellationToken)
    {
        var turn = Volatile.Read(ref _turns[partition]);
        if (turn is null)
        {
            // Made on first use: only the partitions that activate on this silo get one.
            var made = new SemaphoreSlim(1, 1);
            turn = Interlocked.CompareExchange(ref _turns[partition], made, null) ?? made;
        }

        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new PartitionTurn(turn);
    }

    /// <summary>
    /// Makes <paramref name="store"/> its partition's live store here. Refuses (<see cref="InvalidOperationException"/>)
    /// while another store of the partition is still open: two stores of one partition on one silo would split its
    /// writes, and replacing the first silently lost everything written to it.
    /// </summary>
    public void Register(PartitionStore store)
    {
        lock (_gate)
        {
            if (_byPartition[store.Partition] is { IsClosed: false } open && !ReferenceEquals(open, store))
            {
                throw new InvalidOperationException($"Partition {store.Partition} already has an open store on this silo (an earlier activation that was not retired); refusing to start a second one beside it.");
            }

            _byPartition[store.Partition] = store;
            Volatile.Write(ref _wasHere[store.Partition], true);
            var all = new List<PartitionStore>(_all.Length + 1);
            foreach (var s in _all)
            {
                if (s.Partition != store.Partition)
                {
                    all.Add(s);
                }
            }

            all.Add(store);
            Volatile.Write(ref _all, all.ToArray());
        }
    }

    public void Unregister(PartitionStore store)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_byPartition[store.Partition], store))
            {
                return;
            }

            _byPartition[store.Partition] = null;
            var all = new List<PartitionStore>(_all.Length);
            foreach (var s in _all)
            {
                if (!ReferenceEquals(s, store))
                {
                    all.Add(s);
                }
            }

            Volatile.Write(ref _all, all.ToArray());
            store.Counters.AddTo(_retired);
        }
    }
}
