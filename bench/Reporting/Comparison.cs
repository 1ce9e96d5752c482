using Grid.Bench.Cli;

namespace Grid.Bench.Reporting;

/// <summary>
/// One system's rows of one phase, each paired with the anchors of the same workload: redis-server's row, and in
/// multi-silo phases the Redis Cluster's row (null where that anchor did not run).
/// </summary>
internal sealed record Comparison(int Silos, string System, List<ComparisonRow> Rows)
{
    public string Title => System switch
    {
        SystemNames.Redis => $"redis-server alone ({SiloText} phase)",
        SystemNames.RedisCluster => $"Redis Cluster alone ({SiloText} phase)",
        SystemNames.GridUnbatched => $"Grid, one grain call per operation (Batching = false), {SiloText} vs {Anchors}",
        SystemNames.GridL1 => $"Grid with near cache vs {Anchors} ({SiloText})",
        SystemNames.GridAsync => $"Grid with async replication, {SiloText}{(Silos > 1 ? " (Redis membership)" : "")} vs {Anchors}",
        _ => $"Grid, {SiloText}{(Silos > 1 ? " (Redis membership)" : "")} vs {Anchors}",
    };

    public string SiloText => Silos == 1 ? "1 silo" : $"{Silos} silos";

    /// <summary>Whether any row has a Redis Cluster anchor.</summary>
    public bool HasCluster => Rows.Exists(r => r.Cluster is not null);

    private string Anchors => HasCluster ? "redis-server and redis-cluster" : "redis-server";

    /// <summary>Every grid system per phase, in the order measured; or the redis systems alone when no grid ran.</summary>
    public static List<Comparison> All(BenchResults results)
    {
        var comparisons = new List<Comparison>();
        bool anyGrid = false;
        foreach (var cell in results.Cells)
        {
            anyGrid |= SystemNames.IsGrid(cell.System);
        }

        foreach (var cell in results.Cells)
        {
            if (anyGrid && SystemNames.IsRedis(cell.System))
            {
                continue;
            }

            var comparison = comparisons.Find(c => c.Silos == cell.Silos && c.System == cell.System);
            if (comparison is null)
            {
                comparison = new Comparison(cell.Silos, cell.System, []);
                comparisons.Add(comparison);
            }

            comparison.Rows.Add(SystemNames.IsRedis(cell.System)
                ? new ComparisonRow(cell, null, null)
                : new ComparisonRow(cell, results.RedisFor(cell), results.RedisClusterFor(cell)));
        }

        return comparisons;
    }

    /// <summary>Geometric means of the ops/s and p99 ratios against redis-server over the rows that have its pair (and pass <paramref name="filter"/>).</summary>
    public (double? Ops, double? P99, double? MinOps, double? MaxOps) Summary(Func<CellResult, bool>? filter = null) => SummaryVs(r => r.Redis, filter);

    /// <summary>Geometric means of the ops/s and p99 ratios against the anchor <paramref name="anchor"/> picks, over the rows that have one.</summary>
    public (double? Ops, double? P99, double? MinOps, double? MaxOps) SummaryVs(Func<ComparisonRow, CellResult?> anchor, Func<CellResult, bool>? filter = null)
    {
        var ops = new List<double>();
        var p99 = new List<double>();
        foreach (var row in Rows)
        {
            if (anchor(row) is not { } reference || (filter is not null && !filter(row.Challenger)))
            {
                continue;
            }

            if (Fmt.Divide(row.Challenger.Measurement.OpsPerSecond, reference.Measurement.OpsPerSecond) is { } o && o > 0)
            {
                ops.Add(o);
            }

            if (Fmt.Divide(row.Challenger.Measurement.P99Micros, reference.Measurement.P99Micros) is { } p && p > 0)
            {
                p99.Add(p);
            }
        }

        return (Fmt.GeoMean(ops), Fmt.GeoMean(p99), ops.Count > 0 ? ops.Min() : null, ops.Count > 0 ? ops.Max() : null);
    }
}
