using Grid.Bench.Cli;
using Grid.Bench.Runner;

namespace Grid.Bench.Reporting;

/// <summary>Everything a run measured, in the order it was measured, plus what the report needs to describe it.</summary>
internal sealed class BenchResults
{
    public required BenchOptions Options { get; init; }

    public required BenchPlan Plan { get; init; }

    public required MachineInfo Machine { get; init; }

    public required DateTime Started { get; init; }

    public DateTime Finished { get; set; }

    public string? LoadAverageAtEnd { get; set; }

    public List<CellResult> Cells { get; } = [];

    public List<PreloadResult> Preloads { get; } = [];

    public List<WarmUpResult> WarmUps { get; } = [];

    public MemoryResult? Memory { get; set; }

    public List<RedisBenchmarkRow> RedisBenchmark { get; } = [];

    /// <summary>Things a reader must know: errors under load, evictions, a stale build, a failure.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Set when the run stopped early (exception or Ctrl+C).</summary>
    public string? Failure { get; set; }

    /// <summary>The redis-server row of the same workload: measured in the same phase if possible, else in any.</summary>
    public CellResult? RedisFor(CellResult grid)
    {
        CellResult? fallback = null;
        foreach (var cell in Cells)
        {
            if (cell.System == SystemNames.Redis && cell.SameWorkload(grid))
            {
                if (cell.Silos == grid.Silos)
                {
                    return cell;
                }

                fallback ??= cell;
            }
        }

        return fallback;
    }

    /// <summary>The redis-cluster row of the same workload in the same phase (a Redis Cluster only runs beside several silos).</summary>
    public CellResult? RedisClusterFor(CellResult grid)
    {
        foreach (var cell in Cells)
        {
            if (cell.System == SystemNames.RedisCluster && cell.Silos == grid.Silos && cell.SameWorkload(grid))
            {
                return cell;
            }
        }

        return null;
    }
}
