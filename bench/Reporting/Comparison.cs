using Grid.Bench.Cli;

namespace Grid.Bench.Reporting;

/// <summary>One system's rows of one phase, each paired with redis-server's row of the same workload.</summary>
internal sealed record Comparison(int Silos, string System, List<(CellResult Challenger, CellResult? Redis)> Rows)
{
    public string Title => System switch
    {
        SystemNames.Redis => $"redis-server alone ({SiloText} phase)",
        SystemNames.GridUnbatched => $"Grid, one grain call per operation (Batching = false), {SiloText} vs redis-server",
        SystemNames.GridL1 => $"Grid with near cache vs redis-server ({SiloText})",
        _ => $"Grid, {SiloText}{(Silos > 1 ? " (Redis membership)" : "")} vs redis-server",
    };

    public string SiloText => Silos == 1 ? "1 silo" : $"{Silos} silos";

    /// <summary>Every non-redis system per phase, in the order measured; or redis alone when nothing else ran.</summary>
    public static List<Comparison> All(BenchResults results)
    {
        var comparisons = new List<Comparison>();
        bool anyGrid = false;
        foreach (var cell in results.Cells)
        {
            anyGrid |= cell.System != SystemNames.Redis;
        }

        foreach (var cell in results.Cells)
        {
            if (anyGrid && cell.System == SystemNames.Redis)
            {
                continue;
            }

            var comparison = comparisons.Find(c => c.Silos == cell.Silos && c.System == cell.System);
            if (comparison is null)
            {
                comparison = new Comparison(cell.Silos, cell.System, []);
                comparisons.Add(comparison);
            }

            comparison.Rows.Add((cell, cell.System == SystemNames.Redis ? null : results.RedisFor(cell)));
        }

        return comparisons;
    }

    /// <summary>Geometric means of the ops/s and p99 ratios over the rows that have a redis-server pair (and pass <paramref name="filter"/>).</summary>
    public (double? Ops, double? P99, double? MinOps, double? MaxOps) Summary(Func<CellResult, bool>? filter = null)
    {
        var ops = new List<double>();
        var p99 = new List<double>();
        foreach (var (challenger, redis) in Rows)
        {
            if (redis is null || (filter is not null && !filter(challenger)))
            {
                continue;
            }

            if (Fmt.Divide(challenger.Measurement.OpsPerSecond, redis.Measurement.OpsPerSecond) is { } o && o > 0)
            {
                ops.Add(o);
            }

            if (Fmt.Divide(challenger.Measurement.P99Micros, redis.Measurement.P99Micros) is { } p && p > 0)
            {
                p99.Add(p);
            }
        }

        return (Fmt.GeoMean(ops), Fmt.GeoMean(p99), ops.Count > 0 ? ops.Min() : null, ops.Count > 0 ? ops.Max() : null);
    }
}
