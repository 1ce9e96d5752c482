using Grid.Bench.Cli;
using Grid.Bench.Load;

namespace Grid.Bench.Reporting;

/// <summary>
/// The scale issue's goals checked against one run: each goal's worst ratio over the cells it covers, so the report
/// says which goals this run meets, which it misses and which it did not measure (a quick run has fewer cells).
/// </summary>
internal static class GoalReport
{
    public static List<GoalCheck> Build(BenchResults results)
    {
        bool OneSilo100(CellResult c) => c.Silos == 1 && c.System == SystemNames.Grid && c.ValueSize == 100;
        bool SmallN64(CellResult c) => OneSilo100(c) && c.Concurrency == 64 && c.Distribution == KeyDistribution.Uniform && c.GetPercent is 90 or 50;
        bool ThreeSync(CellResult c) => c.Silos == 3 && c.System == SystemNames.Grid && c.ValueSize == 100 && c.Concurrency is 64 or 256;

        var goals = new List<GoalCheck>
        {
            Worst(results, "1 silo, 100 B, N = 64, 90/10 and 50/50: ops/s vs redis-server", 2.0, true, SmallN64, c => Ops(c, results.RedisFor(c)), "one-silo-n64"),
            Worst(results, "1 silo, 100 B, N = 64, 90/10 and 50/50: p99 vs redis-server", 0.5, false, SmallN64, c => ComparisonRow.P99Ratio(c, results.RedisFor(c)), "one-silo-n64"),
            Worst(results, "1 silo, 4 KiB values: ops/s vs redis-server", 1.2, true, c => c.Silos == 1 && c.System == SystemNames.Grid && c.ValueSize == 4096, c => Ops(c, results.RedisFor(c)), "four-kib"),
            Worst(results, "1 silo, N = 1: ops/s vs redis-server", 1.2, true, c => OneSilo100(c) && c.Concurrency == 1, c => Ops(c, results.RedisFor(c)), "one-caller"),
            Worst(results, "3 silos, 1 sync replica, N = 64 and 256: ops/s vs Redis Cluster 3 + 3", 1.0, true, ThreeSync, c => Ops(c, results.RedisClusterFor(c)), "three-silos"),
            Worst(results, "3 silos, 1 sync replica, N = 64 and 256: server CPU µs/op vs Redis Cluster's", 1.5, false, ThreeSync, c => ServerCpu(c, results.RedisClusterFor(c)), "three-silos"),
            Worst(results, "near cache on vs off, every cell (same phase and workload)", 1.0, true, c => c.System == SystemNames.GridL1, c => Ops(c, GridFor(results, c)), "near-cache-on-vs-off"),
            Worst(results, "near cache on, Zipf 0.99, 90/10, N = 64: ops/s vs redis-server", 4.0, true,
                c => c.System == SystemNames.GridL1 && c.Distribution == KeyDistribution.Zipf && c.GetPercent == 90 && c.Concurrency == 64, c => Ops(c, results.RedisFor(c)), "near-cache-zipf"),
        };

        AddMemory(goals, results.Memory);
        goals.Add(Bulk(results));
        return goals;
    }

    private static GoalCheck Worst(BenchResults results, string goal, double bound, bool atLeast, Func<CellResult, bool> covers, Func<CellResult, double?> ratio, string why)
    {
        double? worst = null;
        int cells = 0;
        foreach (var cell in results.Cells)
        {
            if (!covers(cell) || ratio(cell) is not { } value)
            {
                continue;
            }

            cells++;
            worst = worst is not { } w ? value : atLeast ? Math.Min(w, value) : Math.Max(w, value);
        }

        return new GoalCheck(goal, bound, atLeast, worst, cells, why);
    }

    private static void AddMemory(List<GoalCheck> goals, MemoryResult? memory)
    {
        double? heap = null;
        double? rss = null;
        if (memory is { Redis: { } redis, Grid: { } grid })
        {
            heap = Fmt.Divide(grid.GcHeapPerEntry(memory.Entries), redis.UsedPerEntry(memory.Entries));
            rss = Fmt.Divide(grid.RssPerEntry(memory.Entries), redis.RssPerEntry(memory.Entries));
        }

        int measured = heap is null ? 0 : 1;
        goals.Add(new GoalCheck("memory, 100-B entries: silo GC heap per entry vs redis used_memory", 0.8, false, heap, measured, "memory"));
        goals.Add(new GoalCheck("memory, 100-B entries: silo RSS per entry vs redis-server RSS", 1.0, false, rss, measured, "memory"));
    }

    /// <summary>Bulk load: keys/s of the 3-silo grid's preload (100 B) against redis-server's MSET preload of the same values.</summary>
    private static GoalCheck Bulk(BenchResults results)
    {
        double redis = 0;
        double grid = 0;
        foreach (var preload in results.Preloads)
        {
            if (preload.ValueSize != 100)
            {
                continue;
            }

            if (preload.System == SystemNames.Redis)
            {
                redis = Math.Max(redis, preload.KeysPerSecond);
            }
            else if (preload.System == SystemNames.Grid && preload.Silos == 3)
            {
                grid = grid == 0 ? preload.KeysPerSecond : Math.Min(grid, preload.KeysPerSecond);
            }
        }

        var ratio = grid > 0 ? Fmt.Divide(grid, redis) : null;
        return new GoalCheck("bulk load, 100 B, 3 silos: keys/s vs one redis-server's MSET", 1.0, true, ratio, ratio is null ? 0 : 1, "bulk-load");
    }

    private static double? Ops(CellResult challenger, CellResult? anchor) => ComparisonRow.OpsRatio(challenger, anchor);

    private static double? ServerCpu(CellResult challenger, CellResult? anchor) =>
        anchor is null ? null : Fmt.Divide(challenger.Measurement.ServerCpuMicrosPerOp, anchor.Measurement.ServerCpuMicrosPerOp);

    /// <summary>The near-cache-off grid row of the same phase and workload as a near-cache-on row.</summary>
    private static CellResult? GridFor(BenchResults results, CellResult nearCacheOn)
    {
        foreach (var cell in results.Cells)
        {
            if (cell.System == SystemNames.Grid && cell.Silos == nearCacheOn.Silos && cell.Keys == nearCacheOn.Keys && cell.SameWorkload(nearCacheOn))
            {
                return cell;
            }
        }

        return null;
    }
}
