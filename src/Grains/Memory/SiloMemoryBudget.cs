using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Memory;

/// <summary>
/// The silo's byte budget (<see cref="GridSiloOptions.MaxMemoryBytes"/>). Stores add their byte changes here; after a
/// write, <see cref="EnforceBudget"/> evicts approximately least recently used entries across all of the silo's
/// partitions until the accounted bytes are back within the budget. The writer that crossed the budget pays for the
/// eviction, which is the back-pressure.
/// </summary>
internal sealed class SiloMemoryBudget : IMemoryAccount
{
    // Redis samples 5 keys per eviction by default and keeps a pool of 16; sampling several partitions per round keeps
    // the choice silo-wide.
    private const int StoresPerRound = 8;
    private const int SamplesPerStore = 5;
    private const int EvictionsPerRound = 4;
    private const int PoolSize = 16;
    private const int MaxFruitlessRounds = 64;

    private readonly PartitionStoreRegistry _registry;
    private readonly GridClock _clock;
    private readonly Lock _evictionLock = new();
    private readonly EvictionPool _pool = new(PoolSize);
    private readonly Random _random = new();
    private long[] _cumulativeCounts = [];
    private long _used;

    public SiloMemoryBudget(IOptions<GridSiloOptions> options, PartitionStoreRegistry registry, GridClock clock)
        : this(options.Value.MaxMemoryBytes, registry, clock)
    {
    }

    internal SiloMemoryBudget(long budgetBytes, PartitionStoreRegistry registry, GridClock clock)
    {
        BudgetBytes = budgetBytes;
        _registry = registry;
        _clock = clock;
    }

    public long BudgetBytes { get; }

    public long UsedBytes => Volatile.Read(ref _used);

    public bool IsOverBudget => Volatile.Read(ref _used) > BudgetBytes;

    public void Add(long deltaBytes) => Interlocked.Add(ref _used, deltaBytes);

    /// <summary>
    /// Evicts until the accounted bytes are within the budget (or nothing more can be evicted). Returns the number evicted.
    /// <paramref name="context"/> is the batch whose writes made room necessary: its answer waits for the evictions'
    /// replication, as for its own changes.
    /// </summary>
    public int EnforceBudget(BatchContext? context = null)
    {
        if (!IsOverBudget)
        {
            return 0;
        }

        int evicted = 0;
        lock (_evictionLock)
        {
            int fruitless = 0;
            while (IsOverBudget && fruitless < MaxFruitlessRounds)
            {
                var stores = _registry.All;
                if (stores.Length == 0)
                {
                    break;
                }

                long entries = CountEntries(stores);
                if (entries == 0)
                {
                    break;
                }

                _pool.SetNow((uint)_clock.NowMs);
                for (int i = 0; i < StoresPerRound; i++)
                {
                    PickStore(stores, entries).Sample(_pool, SamplesPerStore, _random, context);
                }

                int round = 0;
                while (round < EvictionsPerRound && IsOverBudget && _pool.TryTakeOldest(out var candidate))
                {
                    if (candidate.Store.TryEvict(candidate.KeyHash, candidate.Stamp, context))
                    {
                        round++;
                    }
                }

                evicted += round;
                fruitless = round == 0 ? fruitless + 1 : 0;
            }

            if (!IsOverBudget)
            {
                // Candidates left over may belong to closed stores; dropping them lets those stores be collected.
                _pool.Clear();
            }
        }

        return evicted;
    }

    /// <summary>Fills the running totals of the stores' entry counts; returns the total.</summary>
    private long CountEntries(PartitionStore[] stores)
    {
        if (_cumulativeCounts.Length < stores.Length)
        {
            _cumulativeCounts = new long[stores.Length];
        }

        long total = 0;
        for (int i = 0; i < stores.Length; i++)
        {
            total += stores[i].Count;
            _cumulativeCounts[i] = total;
        }

        return total;
    }

    /// <summary>
    /// A store chosen with probability proportional to its entries, so every entry of the silo is about equally likely
    /// to be sampled: picking stores uniformly would over-sample small partitions and leave big ones (hash tags) unevicted.
    /// </summary>
    private PartitionStore PickStore(PartitionStore[] stores, long entries)
    {
        long target = _random.NextInt64(entries);
        int lo = 0;
        int hi = stores.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_cumulativeCounts[mid] > target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return stores[lo];
    }
}
