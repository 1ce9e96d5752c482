using System.Text;
using Grid.Bench.Cli;

namespace Grid.Bench.Runner;

/// <summary>
/// <c>--plan</c>: the cells a run would measure and a rough duration, from per-step costs seen on a 2-core machine
/// (silo start-up, bulk loads, redis-benchmark); a check of the time budget without running anything.
/// </summary>
internal static class PlanPrinter
{
    // Rough costs measured on the 2-core development machine (seconds); only for the estimate.
    private const double SiloStartSeconds = 4;
    private const double ClusterStartSeconds = 10;
    private const double RedisClusterStartSeconds = 3;
    private const double RedisClusterLoadFactor = 3; // one SET per key instead of MSET
    private const double CellOverheadSeconds = 0.4;
    private static readonly (double PerKey, double PerByte) RedisLoad = (2e-6, 3e-9);
    private static readonly (double PerKey, double PerByte) GridLoad = (6e-6, 4e-9);
    private const double RedisBenchmarkRequestsPerSecond = 50_000;

    public static string Describe(BenchPlan plan)
    {
        var text = new StringBuilder();
        double total = 0;
        text.AppendLine($"mode {plan.Mode.ToString().ToLowerInvariant()}: {plan.Warmup.TotalSeconds:0.0} s warm-up + {plan.Duration.TotalSeconds:0.0} s measured per cell and system{(plan.Rate is { } rate ? $", open loop at {rate:N0} ops/s" : "")}");
        if (plan.Cores is { } cores)
        {
            text.AppendLine(Hosting.CoreLimit.Describe(cores));
        }

        if (plan.MemoryEntries > 0)
        {
            double memory = (plan.MemoryRedis ? SiloStartSeconds / 2 + Load(plan.MemoryEntries, 100, RedisLoad) : 0)
                + (plan.MemoryGrid ? SiloStartSeconds + (2 * Load(plan.MemoryEntries, 100, GridLoad)) : 0);
            total += memory;
            text.AppendLine($"memory: {plan.MemoryEntries:N0} entries × 100 B into{(plan.MemoryRedis ? " redis-server" : "")}{(plan.MemoryGrid ? " a silo" : "")} (~{memory:0} s)");
        }

        foreach (var phase in plan.Phases)
        {
            double seconds = phase.Silos == 1 ? SiloStartSeconds : ClusterStartSeconds;
            int measurements = 0;
            var sizes = new List<int>();
            foreach (var cell in phase.Cells)
            {
                measurements += cell.Systems.Count;
                if (!sizes.Contains(cell.ValueSize))
                {
                    sizes.Add(cell.ValueSize);
                }
            }

            var systems = new HashSet<string>();
            foreach (var cell in phase.Cells)
            {
                systems.UnionWith(cell.Systems);
            }

            // Warm-up rounds go on until a system is steady: typically 2 for redis, up to ~10 for a fresh silo; 4 on average.
            double warmUp = plan.Mode switch { BenchMode.Smoke => 0.5, BenchMode.Quick => 4 * 1, _ => 4 * 2 };
            var targets = new HashSet<string>();
            foreach (var system in systems)
            {
                targets.Add(BenchPlan.PreloadTarget(system));
            }

            seconds += (targets.Contains(SystemNames.RedisCluster) ? RedisClusterStartSeconds : 0) + (targets.Contains(SystemNames.GridAsync) ? ClusterStartSeconds : 0);
            foreach (int size in sizes)
            {
                foreach (var target in targets)
                {
                    seconds += target switch
                    {
                        SystemNames.Redis => Load(phase.Keys, size, RedisLoad),
                        SystemNames.RedisCluster => RedisClusterLoadFactor * Load(phase.Keys, size, RedisLoad),
                        _ => Load(phase.Keys, size, GridLoad),
                    };
                }

                seconds += systems.Count * warmUp;
            }

            seconds += measurements * (plan.Warmup.TotalSeconds + plan.Duration.TotalSeconds + CellOverheadSeconds);
            total += seconds;
            text.AppendLine($"{phase.Silos} silo(s): {phase.Cells.Count} cells, {measurements} measurements, {phase.Keys:N0} keys, values {string.Join(" and ", sizes)} B (~{seconds / 60:0.0} min)");
            foreach (var cell in phase.Cells)
            {
                text.AppendLine($"    {cell.ValueSize,5} B  {cell.GetPercent}/{100 - cell.GetPercent}  {cell.Distribution,-7}  N={cell.Concurrency,-4} {string.Join(", ", cell.Systems)}");
            }
        }

        if (plan.RedisBenchmarkRequests > 0)
        {
            double seconds = 2 * plan.RedisBenchmarkRequests / RedisBenchmarkRequestsPerSecond;
            total += seconds;
            text.AppendLine($"redis-benchmark -c 64 -n {plan.RedisBenchmarkRequests:N0} -t get,set -d 100, with and without -P 16 (~{seconds:0} s)");
        }

        text.Append($"estimated total: ~{total / 60:0.0} min (a busy machine takes longer)");
        return text.ToString();
    }

    private static double Load(int keys, int valueSize, (double PerKey, double PerByte) cost) => keys * (cost.PerKey + (valueSize * cost.PerByte));
}
