using System.Globalization;
using System.Text;
using Grid.Bench.Cli;

namespace Grid.Bench.Reporting;

/// <summary>results.csv (one row per system per cell, plus the redis-benchmark rows) and memory.csv.</summary>
internal static class CsvReport
{
    public const string Header =
        "section,silos,system,value_bytes,get_percent,distribution,concurrency,keys,pipeline,warmup_s,measured_s,ops,ops_per_s,p50_us,p99_us,p999_us,max_us,mean_us," +
        "errors,stuck_loops,hit_ratio,client_cpu_pct,server_cpu_pct,cpu_us_per_op,client_cpu_us_per_op,server_cpu_us_per_op,ops_ratio_vs_redis,p99_ratio_vs_redis," +
        "ops_ratio_vs_redis_cluster,p99_ratio_vs_redis_cluster," +
        "near_cache_hit_ratio,near_cache_hits,near_cache_misses,near_cache_promotions,near_cache_invalidations,first_error";

    public static string Results(BenchResults results)
    {
        var csv = new StringBuilder();
        csv.AppendLine(Header);
        var plan = results.Plan;
        foreach (var cell in results.Cells)
        {
            var m = cell.Measurement;
            var redis = SystemNames.IsRedis(cell.System) ? null : results.RedisFor(cell)?.Measurement;
            var cluster = SystemNames.IsRedis(cell.System) ? null : results.RedisClusterFor(cell)?.Measurement;
            var near = cell.NearCache;
            csv.AppendLine(string.Join(',',
                "throughput",
                I(cell.Silos),
                cell.System,
                I(cell.ValueSize),
                I(cell.GetPercent),
                cell.DistributionName,
                I(cell.Concurrency),
                I(cell.Keys),
                "1",
                Fmt.Csv(plan.Warmup.TotalSeconds),
                Fmt.Csv(m.Seconds),
                I(m.Operations),
                Fmt.Csv(m.OpsPerSecond),
                Fmt.Csv(m.P50Micros),
                Fmt.Csv(m.P99Micros),
                Fmt.Csv(m.P999Micros),
                Fmt.Csv(m.MaxMicros),
                Fmt.Csv(m.MeanMicros),
                I(m.Errors),
                I(m.StuckLoops),
                Fmt.Csv(cell.HitRatio),
                Fmt.Csv(m.ClientCpuPercent),
                Fmt.Csv(m.ServerCpuPercent),
                Fmt.Csv(m.CpuMicrosPerOp),
                Fmt.Csv(m.ClientCpuMicrosPerOp),
                Fmt.Csv(m.ServerCpuMicrosPerOp),
                Fmt.Csv(redis is null ? null : Fmt.Divide(m.OpsPerSecond, redis.OpsPerSecond)),
                Fmt.Csv(redis is null ? null : Fmt.Divide(m.P99Micros, redis.P99Micros)),
                Fmt.Csv(cluster is null ? null : Fmt.Divide(m.OpsPerSecond, cluster.OpsPerSecond)),
                Fmt.Csv(cluster is null ? null : Fmt.Divide(m.P99Micros, cluster.P99Micros)),
                Fmt.Csv(near?.HitRatio),
                near is null ? "" : I(near.Hits),
                near is null ? "" : I(near.Misses),
                near is null ? "" : I(near.Promotions),
                near is null ? "" : I(near.InvalidationsReceived),
                Quote(m.FirstError)));
        }

        foreach (var row in results.RedisBenchmark)
        {
            csv.AppendLine(string.Join(',',
                "redis-benchmark",
                "",
                "redis-benchmark",
                I(row.ValueSize),
                row.Test == "GET" ? "100" : "0",
                "single-key",
                I(row.Clients),
                "",
                I(row.Pipeline),
                "",
                "",
                I(row.Requests),
                Fmt.Csv(row.RequestsPerSecond),
                Fmt.Csv(row.P50Micros),
                Fmt.Csv(row.P99Micros),
                "", "", "", "", "", "", "",
                Fmt.Csv(row.ServerCpuPercent),
                "", "", "", "", "", "", "",
                "", "", "", "", "",
                Quote(row.Command)));
        }

        return csv.ToString();
    }

    public static string Memory(MemoryResult memory)
    {
        var csv = new StringBuilder();
        csv.AppendLine("system,metric,entries,value_bytes,bytes_before,bytes_after,bytes_per_entry,ratio_vs_redis_used_memory,ratio_vs_redis_rss,load_seconds");
        int n = memory.Entries;
        if (memory.Redis is { } r)
        {
            csv.AppendLine(Row("redis", "used_memory", n, memory.ValueSize, r.UsedBefore, r.UsedAfter, r.UsedPerEntry(n), null, null, r.LoadSeconds));
            csv.AppendLine(Row("redis", "rss", n, memory.ValueSize, r.RssBefore, r.RssAfter, r.RssPerEntry(n), null, null, r.LoadSeconds));
        }

        if (memory.Grid is { } g)
        {
            double? used = memory.Redis?.UsedPerEntry(n);
            double? rss = memory.Redis?.RssPerEntry(n);
            csv.AppendLine(Row("grid", "accounted_bytes", n, memory.ValueSize, g.AccountedBefore, g.AccountedAfter, g.AccountedPerEntry(n), Ratio(g.AccountedPerEntry(n), used), null, g.LoadSeconds));
            csv.AppendLine(Row("grid", "gc_heap_after_gc", n, memory.ValueSize, g.GcHeapBefore, g.GcHeapAfter, g.GcHeapPerEntry(n), Ratio(g.GcHeapPerEntry(n), used), null, g.LoadSeconds));
            csv.AppendLine(Row("grid", "rss", n, memory.ValueSize, g.RssBefore, g.RssAfter, g.RssPerEntry(n), null, Ratio(g.RssPerEntry(n), rss), g.LoadSeconds));
        }

        return csv.ToString();
    }

    private static double? Ratio(double grid, double? redis) => redis is { } r ? Fmt.Divide(grid, r) : null;

    private static string Row(string system, string metric, int entries, int valueSize, long before, long after, double perEntry, double? ratioUsed, double? ratioRss, double seconds) =>
        string.Join(',', system, metric, I(entries), I(valueSize), I(before), I(after), Fmt.Csv(perEntry), Fmt.Csv(ratioUsed), Fmt.Csv(ratioRss), Fmt.Csv(seconds));

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string? text) => text is null ? "" : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal).ReplaceLineEndings(" ") + "\"";
}
