using Grid.Bench.Load;

namespace Grid.Bench.Reporting;

/// <summary>
/// The summary at the top of results.md and of the console output: per system and topology, geometric means of the
/// ratios against redis-server and (several silos) the Redis Cluster, and the CPU µs per operation of the system and of
/// its anchors over the same cells.
/// </summary>
internal static class SummaryTable
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "system", "cells", "ops/s × redis", "ops/s range", "p99 × redis", "ops/s × redis-cluster", "p99 × redis-cluster",
        "CPU µs/op (client + server)", "redis CPU µs/op", "redis-cluster CPU µs/op",
    ];

    public static List<SummaryLine> Build(BenchResults results)
    {
        var lines = new List<SummaryLine>();
        foreach (var comparison in Comparison.All(results))
        {
            var own = new List<LoadMeasurement>();
            var redis = new List<LoadMeasurement>();
            var cluster = new List<LoadMeasurement>();
            foreach (var row in comparison.Rows)
            {
                own.Add(row.Challenger.Measurement);
                if (row.Redis is { } r)
                {
                    redis.Add(r.Measurement);
                }

                if (row.Cluster is { } c)
                {
                    cluster.Add(c.Measurement);
                }
            }

            var (ops, p99, min, max) = comparison.Summary();
            var (clusterOps, clusterP99, _, _) = comparison.SummaryVs(r => r.Cluster);
            lines.Add(new SummaryLine(
                $"{comparison.System}, {comparison.SiloText}",
                comparison.Rows.Count,
                ops,
                min,
                max,
                p99,
                clusterOps,
                clusterP99,
                CpuPerOp.Mean(own),
                CpuPerOp.Mean(redis),
                CpuPerOp.Mean(cluster)));
        }

        return lines;
    }

    /// <summary>A line's cells, formatted, in the order of <see cref="Columns"/>.</summary>
    public static List<string> Format(SummaryLine line) =>
    [
        line.Name,
        line.Cells.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Fmt.Ratio(line.OpsVsRedis),
        line.MinOps is null ? "–" : $"{Fmt.Ratio(line.MinOps)} – {Fmt.Ratio(line.MaxOps)}",
        Fmt.Ratio(line.P99VsRedis),
        Fmt.Ratio(line.OpsVsCluster),
        Fmt.Ratio(line.P99VsCluster),
        line.Cpu?.ToString() ?? "–",
        line.RedisCpu?.ToString() ?? "–",
        line.ClusterCpu?.ToString() ?? "–",
    ];

}
