using Grid.Bench.Cli;
using Grid.Bench.Load;

namespace Grid.Bench.Runner;

/// <summary>The cells, sizes and durations of a run, from the mode and the overrides.</summary>
internal sealed record BenchPlan
{
    private const int Million = 1_000_000;
    private static readonly int[] AllConcurrency = [1, 16, 64, 256];

    public required BenchMode Mode { get; init; }

    public required TimeSpan Warmup { get; init; }

    public required TimeSpan Duration { get; init; }

    public double? Rate { get; init; }

    /// <summary><c>--cores N</c>: silos and redis-server processes limited to N cores (null = no limit).</summary>
    public int? Cores { get; init; }

    public required IReadOnlyList<PhasePlan> Phases { get; init; }

    /// <summary>Entries for the memory section (0 = skipped).</summary>
    public required int MemoryEntries { get; init; }

    public required bool MemoryRedis { get; init; }

    public required bool MemoryGrid { get; init; }

    /// <summary>redis-benchmark -n (0 = skipped).</summary>
    public required int RedisBenchmarkRequests { get; init; }

    /// <summary>Progress steps: memory loads, phase start-ups, preloads, cells × systems, redis-benchmark runs.</summary>
    public int Steps
    {
        get
        {
            int steps = (MemoryRedis ? 1 : 0) + (MemoryGrid ? 1 : 0) + (RedisBenchmarkRequests > 0 ? 2 : 0);
            foreach (var phase in Phases)
            {
                steps++;
                var sizes = new HashSet<int>();
                var preloads = new HashSet<string>();
                foreach (var cell in phase.Cells)
                {
                    steps += cell.Systems.Count;
                    sizes.Add(cell.ValueSize);
                    foreach (var system in cell.Systems)
                    {
                        preloads.Add(PreloadTarget(system));
                    }
                }

                steps += sizes.Count * preloads.Count;
            }

            return steps;
        }
    }

    /// <summary>
    /// The data set a system reads: redis-server, the Redis Cluster, the sync-replication silos (grid, grid-unbatched
    /// and grid-l1 share them) or the async-replication silos. Each is preloaded once per value size.
    /// </summary>
    public static string PreloadTarget(string system) => SystemNames.UsesSyncSilos(system) ? SystemNames.Grid : system;

    public static BenchPlan Create(BenchOptions options)
    {
        var mode = options.Mode;
        bool explicitSystems = options.Only.Count > 0;
        var baseSystems = explicitSystems ? [.. options.Only] : new List<string> { SystemNames.Redis, SystemNames.Grid };
        if (options.NoBatching)
        {
            baseSystems.Remove(SystemNames.Grid);
            if (!baseSystems.Contains(SystemNames.GridUnbatched))
            {
                baseSystems.Add(SystemNames.GridUnbatched);
            }
        }

        // Without an explicit --only, the one-grain-call-per-op client is measured on the 100 B uniform 90/10 cells of 1 silo.
        bool unbatchedColumn = !explicitSystems && !options.NoBatching && mode != BenchMode.Smoke;

        // Likewise the near-cache client (grid-l1, it needs batching) on the 100 B 90/10 cells of 1 silo, uniform and Zipf.
        bool nearCacheColumn = !explicitSystems && !options.NoBatching;

        // Several silos are compared with a Redis Cluster as well (3 masters + 3 replicas: sharded and replicated like
        // the grid), and the grid is measured again with async replication; both in every multi-silo cell.
        bool clusterColumn = !explicitSystems && baseSystems.Contains(SystemNames.Redis);
        bool asyncColumn = !explicitSystems && baseSystems.Contains(SystemNames.Grid);
        bool anyGrid = baseSystems.Exists(SystemNames.IsGrid);
        bool anyRedis = baseSystems.Contains(SystemNames.Redis);

        var (warmup, duration, keys, memory, redisRequests) = mode switch
        {
            BenchMode.Smoke => (0.5, 1.0, 10_000, 10_000, 10_000),
            BenchMode.Quick => (0.5, 1.5, 100_000, Million, 200_000),
            _ => (1.0, 4.0, Million, Million, 200_000),
        };
        keys = options.Keys ?? keys;
        memory = options.MemoryEntries ?? memory;

        // --memory-only: the memory section alone (it starts its own redis-server and silo), no throughput phase.
        IReadOnlyList<int> silos = options.MemoryOnly ? [] : options.Silos.Count > 0 ? options.Silos : mode == BenchMode.Smoke ? [1] : [1, 3];
        var phases = new List<PhasePlan>();
        foreach (int siloCount in silos)
        {
            if (siloCount > 1 && !anyGrid)
            {
                continue; // redis alone has nothing to compare at several silos
            }

            var templates = Templates(mode, siloCount);
            var unbatched = Expand(unbatchedColumn && siloCount == 1 ? UnbatchedTemplates(mode) : [], options.Concurrency);
            var nearCache = Expand(nearCacheColumn && siloCount == 1 ? NearCacheTemplates(mode) : [], options.Concurrency);
            var cells = new List<CellPlan>();
            foreach (var (size, mix, distribution, concurrency) in Expand(templates, options.Concurrency))
            {
                var systems = new List<string>(baseSystems);
                if (siloCount > 1 && clusterColumn)
                {
                    systems.Insert(systems.IndexOf(SystemNames.Redis) + 1, SystemNames.RedisCluster);
                }

                if (siloCount > 1 && asyncColumn)
                {
                    systems.Insert(systems.IndexOf(SystemNames.Grid) + 1, SystemNames.GridAsync);
                }
                if (Contains(unbatched, size, mix, distribution, concurrency) && !systems.Contains(SystemNames.GridUnbatched))
                {
                    systems.Add(SystemNames.GridUnbatched);
                }

                if (Contains(nearCache, size, mix, distribution, concurrency) && !systems.Contains(SystemNames.GridL1))
                {
                    systems.Add(SystemNames.GridL1);
                }

                cells.Add(new CellPlan(size, mix, distribution, concurrency, systems));
            }

            phases.Add(new PhasePlan(siloCount, keys, cells));
        }

        return new BenchPlan
        {
            Mode = mode,
            Warmup = TimeSpan.FromSeconds(options.WarmupSeconds ?? warmup),
            Duration = TimeSpan.FromSeconds(options.DurationSeconds ?? duration),
            Rate = options.Rate,
            Cores = options.Cores,
            Phases = phases,
            MemoryEntries = options.SkipMemory ? 0 : memory,
            MemoryRedis = !options.SkipMemory && anyRedis,
            MemoryGrid = !options.SkipMemory && anyGrid,
            RedisBenchmarkRequests = options.SkipRedisBenchmark || options.MemoryOnly || !anyRedis ? 0 : redisRequests,
        };
    }

    private static List<(int Size, int Mix, KeyDistribution Distribution, int[] Concurrency)> Templates(BenchMode mode, int silos)
    {
        var u = KeyDistribution.Uniform;
        var z = KeyDistribution.Zipf;
        switch (mode)
        {
            case BenchMode.Smoke:
                return [(100, 90, u, [16])];
            case BenchMode.Quick when silos == 1:
                return [(100, 90, u, AllConcurrency), (100, 50, u, [64]), (100, 90, z, [64, 256]), (4096, 90, u, [64])];
            case BenchMode.Quick:
                return [(100, 90, u, [16, 64, 256]), (100, 50, u, [64])];
            default:
                var cells = new List<(int, int, KeyDistribution, int[])>();
                int[] sizes = silos == 1 ? [100, 4096] : [100];
                foreach (int size in sizes)
                {
                    foreach (int mix in new[] { 90, 50 })
                    {
                        cells.Add((size, mix, u, AllConcurrency));
                        cells.Add((size, mix, z, AllConcurrency));
                    }
                }

                return cells;
        }
    }

    private static List<(int Size, int Mix, KeyDistribution Distribution, int[] Concurrency)> UnbatchedTemplates(BenchMode mode) => mode switch
    {
        BenchMode.Quick => [(100, 90, KeyDistribution.Uniform, [1, 64])],
        _ => [(100, 90, KeyDistribution.Uniform, AllConcurrency)],
    };

    /// <summary>The cells grid-l1 joins by default (each must also be one of the mode's cells).</summary>
    private static List<(int Size, int Mix, KeyDistribution Distribution, int[] Concurrency)> NearCacheTemplates(BenchMode mode) => mode switch
    {
        BenchMode.Smoke => [(100, 90, KeyDistribution.Uniform, [16])],
        BenchMode.Quick => [(100, 90, KeyDistribution.Zipf, [64, 256]), (100, 90, KeyDistribution.Uniform, [64, 256])],
        _ => [(100, 90, KeyDistribution.Uniform, AllConcurrency), (100, 90, KeyDistribution.Zipf, AllConcurrency)],
    };

    private static List<(int Size, int Mix, KeyDistribution Distribution, int Concurrency)> Expand(
        List<(int Size, int Mix, KeyDistribution Distribution, int[] Concurrency)> templates, IReadOnlyList<int> concurrencyOverride)
    {
        var cells = new List<(int, int, KeyDistribution, int)>();
        foreach (var (size, mix, distribution, concurrency) in templates)
        {
            var levels = concurrencyOverride.Count > 0 ? concurrencyOverride : concurrency;
            foreach (int n in levels)
            {
                if (!cells.Contains((size, mix, distribution, n)))
                {
                    cells.Add((size, mix, distribution, n));
                }
            }
        }

        // Grouped by value size (one preload each), in the order sizes first appear.
        var sizes = new List<int>();
        foreach (var cell in cells)
        {
            if (!sizes.Contains(cell.Item1))
            {
                sizes.Add(cell.Item1);
            }
        }

        var ordered = new List<(int, int, KeyDistribution, int)>(cells.Count);
        foreach (int size in sizes)
        {
            foreach (var cell in cells)
            {
                if (cell.Item1 == size)
                {
                    ordered.Add(cell);
                }
            }
        }

        return ordered;
    }

    private static bool Contains(List<(int Size, int Mix, KeyDistribution Distribution, int Concurrency)> cells, int size, int mix, KeyDistribution distribution, int concurrency) =>
        cells.Contains((size, mix, distribution, concurrency));
}
