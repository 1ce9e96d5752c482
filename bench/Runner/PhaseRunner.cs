using Grid.Bench.Cli;
using Grid.Bench.Hosting;
using Grid.Bench.Load;
using Grid.Bench.Reporting;

namespace Grid.Bench.Runner;

/// <summary>
/// One topology: starts its silos (Redis membership when there are several), preloads both systems for each value
/// size, then runs each cell for each system back to back, so the two see the same machine conditions.
/// </summary>
internal sealed class PhaseRunner(RunContext run, BenchPlan plan, PhasePlan phase, KeySpace keys, RedisServer? dataRedis)
{
    // Warm-up load each set of this phase's silo processes has had so far (key: whether the system runs on the
    // sync-replicated silos; the asynchronous ones are other processes).
    private readonly Dictionary<bool, TimeSpan> _siloWarmUp = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var preloadTargets = new List<string>();
        foreach (var cell in phase.Cells)
        {
            foreach (var system in cell.Systems)
            {
                string target = BenchPlan.PreloadTarget(system);
                if (!preloadTargets.Contains(target))
                {
                    preloadTargets.Add(target);
                }
            }
        }

        string label = phase.Silos == 1 ? "1 silo" : $"{phase.Silos} silos";
        run.Progress.Status($"{label}: starting");
        await using var servers = await PhaseServers.StartAsync(run, phase, dataRedis, cancellationToken);
        run.Progress.StepDone($"{label}: started ({servers.Describe()})");

        int preparedSize = -1;
        int warmedSize = -1;
        foreach (var cell in phase.Cells)
        {
            if (cell.ValueSize != preparedSize)
            {
                foreach (var target in preloadTargets)
                {
                    await PreloadAsync(cell.ValueSize, target, servers, cancellationToken);
                }

                preparedSize = cell.ValueSize;
            }

            var value = KeySpace.Value(cell.ValueSize);
            if (cell.ValueSize != warmedSize)
            {
                await WarmUpAsync(cell, value, servers, cancellationToken);
                warmedSize = cell.ValueSize;
            }

            foreach (var system in cell.Systems)
            {
                await MeasureAsync(cell, system, value, servers, cancellationToken);
            }
        }

        foreach (var (grid, name) in new[] { (servers.SyncGrid, label), (servers.AsyncGrid, label + " (async replication)") })
        {
            if (grid is null)
            {
                continue;
            }

            var stats = await grid.StatisticsAsync();
            long evictions = 0;
            var spread = new List<string>(stats.Count);
            foreach (var silo in stats)
            {
                evictions += silo.Evictions;
                spread.Add($"{silo.Partitions} partitions / {silo.Entries:N0} entries");
            }

            if (stats.Count > 1)
            {
                run.Results.Notes.Add($"{name}: per silo at the end: {string.Join("; ", spread)}.");
            }

            if (evictions > 0)
            {
                run.Results.Notes.Add($"{name}: the grid evicted {evictions:N0} entries (memory budget); gets of evicted keys miss.");
            }
        }
    }

    private async Task PreloadAsync(int valueSize, string target, PhaseServers servers, CancellationToken cancellationToken)
    {
        var value = KeySpace.Value(valueSize);
        TimeSpan elapsed;
        switch (target)
        {
            case SystemNames.Redis:
                var redis = servers.DataRedis ?? throw new InvalidOperationException("No redis-server was started.");
                run.Progress.Status($"preloading redis-server: {phase.Keys:N0} keys × {valueSize} B");
                await redis.FlushAsync();
                elapsed = await Preloader.RedisAsync(redis.Database, keys, phase.Keys, value, cancellationToken);
                break;
            case SystemNames.RedisCluster:
                var cluster = servers.RedisCluster ?? throw new InvalidOperationException("No Redis Cluster was started.");
                run.Progress.Status($"preloading redis-cluster: {phase.Keys:N0} keys × {valueSize} B");
                await cluster.FlushAsync();
                elapsed = await Preloader.RedisClusterAsync(cluster.Database, keys, phase.Keys, value, cancellationToken);
                break;
            default:
                // The grid has no "flush all": the same keys are overwritten, so the data set matches redis-server's.
                var (grid, _) = servers.GridFor(target);
                run.Progress.Status($"preloading {target} ({phase.Silos} silo(s)): {phase.Keys:N0} keys × {valueSize} B");
                elapsed = await Preloader.GridAsync(grid.Batched, keys, phase.Keys, value, cancellationToken);
                break;
        }

        Record(target, valueSize, elapsed);
    }

    /// <summary>
    /// Untimed rounds per system before a value size's first cell, so no cell pays for a cold process (JIT tiering,
    /// connection and thread-pool ramp-up, first activations): the per-cell warm-up is too short for that on its own.
    /// Rounds go on until the system is steady, the same rule for every system: two rounds in a row within
    /// <see cref="SteadyWithin"/> of each other's ops/s, at least two and at most <see cref="MaxWarmUpRounds"/>; a phase's
    /// silo processes also get <see cref="MinSiloWarmUp"/> of load in all before their first cell. A fresh
    /// silo process compiles its data path for the first 10-20 s under load on 2 cores (hundreds of methods a second, a
    /// third of its CPU); redis-server is steady after two rounds. The time each system took is in the progress log.
    /// </summary>
    private async Task WarmUpAsync(CellPlan cell, byte[] value, PhaseServers servers, CancellationToken cancellationToken)
    {
        var round = plan.Mode switch
        {
            Cli.BenchMode.Smoke => TimeSpan.FromSeconds(0.5),
            Cli.BenchMode.Quick => TimeSpan.FromSeconds(1),
            _ => TimeSpan.FromSeconds(2),
        };
        int maxRounds = plan.Mode == Cli.BenchMode.Smoke ? 1 : MaxWarmUpRounds;
        var systems = new List<string>();
        foreach (var c in phase.Cells)
        {
            foreach (var system in c.Systems)
            {
                if (!systems.Contains(system))
                {
                    systems.Add(system);
                }
            }
        }

        foreach (var system in systems)
        {
            run.Progress.Status($"warming up {system} ({cell.ValueSize} B)");
            await using var target = await SystemTarget.CreateAsync(system, servers, cancellationToken);
            var request = new LoadRequest
            {
                KeySpace = keys,
                KeyCount = phase.Keys,
                Value = value,
                GetPercent = 50,
                Distribution = KeyDistribution.Uniform,
                Concurrency = 64,
                Warmup = TimeSpan.Zero,
                Duration = round,
            };
            // Fresh silo processes first get MinSiloWarmUp of load in all (steady or not): measured on 3 silos, a
            // 16-caller cell after a 2-round warm-up ran at 9-13K ops/s and 150-180 µs of silo CPU per op, after 20 s
            // more at 43K and 33 µs, while two 1-s rounds at 64 callers already looked steady.
            bool silos = SystemNames.IsGrid(system);
            bool syncSilos = SystemNames.UsesSyncSilos(system);
            var loaded = silos ? _siloWarmUp.GetValueOrDefault(syncSilos) : TimeSpan.Zero;
            var minimum = silos ? MinSiloWarmUp(plan.Mode) : TimeSpan.Zero;
            double previous = 0;
            int rounds = 0;
            bool steady = false;
            while (rounds < maxRounds || loaded < minimum)
            {
                var measurement = await run.Generator.RunAsync(target.Target, request, target.ServerPids, cancellationToken);
                rounds++;
                loaded += round;
                double ops = measurement.OpsPerSecond;
                steady = rounds >= 2 && previous > 0 && Math.Abs(ops - previous) <= SteadyWithin * previous;
                if (steady && loaded >= minimum)
                {
                    break;
                }

                previous = ops;
            }

            if (silos)
            {
                _siloWarmUp[syncSilos] = loaded;
            }

            run.Progress.Status($"warmed up {system} ({cell.ValueSize} B): {rounds} round(s) of {round.TotalSeconds:0.#} s");
            run.Results.WarmUps.Add(new WarmUpResult(phase.Silos, system, cell.ValueSize, rounds * round.TotalSeconds, steady));
        }
    }

    /// <summary>Two warm-up rounds whose ops/s differ by at most this fraction mean the system is steady.</summary>
    private const double SteadyWithin = 0.05;

    /// <summary>Most warm-up rounds per system and value size (quick: 1 s each, full: 2 s each).</summary>
    private const int MaxWarmUpRounds = 15;

    /// <summary>
    /// Warm-up load a phase's fresh silo processes get before their first cell, however steady the rounds look: quick
    /// 15 s, full 20 s (a silo compiles its data path over its first 10-20 s under load on 2 cores), smoke none.
    /// </summary>
    internal static TimeSpan MinSiloWarmUp(Cli.BenchMode mode) => mode switch
    {
        Cli.BenchMode.Smoke => TimeSpan.Zero,
        Cli.BenchMode.Quick => TimeSpan.FromSeconds(15),
        _ => TimeSpan.FromSeconds(20),
    };

    private void Record(string system, int valueSize, TimeSpan elapsed)
    {
        var preload = new PreloadResult(phase.Silos, system, phase.Keys, valueSize, elapsed.TotalSeconds);
        run.Results.Preloads.Add(preload);
        run.Progress.StepDone($"preload {system,-14} {phase.Silos} silo(s) {phase.Keys:N0} × {valueSize} B in {elapsed.TotalSeconds:0.0} s ({preload.KeysPerSecond:N0} keys/s)");
    }

    private async Task MeasureAsync(CellPlan cell, string system, byte[] value, PhaseServers servers, CancellationToken cancellationToken)
    {
        string name = $"{system} {phase.Silos}s {cell.ValueSize}B {cell.GetPercent}/{100 - cell.GetPercent} {(cell.Distribution == KeyDistribution.Uniform ? "uniform" : "zipf")} N={cell.Concurrency}";
        run.Progress.Status(name);
        await using var target = await SystemTarget.CreateAsync(system, servers, cancellationToken);

        var request = new LoadRequest
        {
            KeySpace = keys,
            KeyCount = phase.Keys,
            Value = value,
            GetPercent = cell.GetPercent,
            Distribution = cell.Distribution,
            Concurrency = cell.Concurrency,
            Warmup = plan.Warmup,
            Duration = plan.Duration,
            Rate = plan.Rate,
            Probe = target.Probe,
        };

        // Start each cell from a clean client heap, so one cell's garbage is not collected during the next.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var (hits0, misses0) = await target.Counters();
        var measurement = await run.Generator.RunAsync(target.Target, request, target.ServerPids, cancellationToken);
        var (hits1, misses1) = await target.Counters();
        long reads = (hits1 - hits0) + (misses1 - misses0);
        double? hitRatio = reads > 0 ? (hits1 - hits0) / (double)reads : null;

        var result = new CellResult(phase.Silos, system, cell.ValueSize, cell.GetPercent, cell.Distribution, cell.Concurrency, phase.Keys, measurement, hitRatio)
        {
            NearCache = target.Probe?.Window,
        };
        run.Results.Cells.Add(result);
        if (measurement.Errors > 0 || measurement.StuckLoops > 0)
        {
            run.Results.Notes.Add($"{name}: {measurement.Errors:N0} errors, {measurement.StuckLoops} stuck loops; first: {measurement.FirstError}");
        }

        // (PartitionsDropped is not noted: the client counts its first value from each partition as a drop.)
        if (result.NearCache is { Clears: > 0 } l1)
        {
            run.Results.Notes.Add($"{name}: the near cache was cleared {l1.Clears:N0} time(s) during the window (the client lost its connection to the cluster).");
        }

        string ratio = "";
        if (SystemNames.IsGrid(system) && run.Results.RedisFor(result) is { } redisRow && redisRow.Measurement.OpsPerSecond > 0)
        {
            ratio = $"  ({measurement.OpsPerSecond / redisRow.Measurement.OpsPerSecond:0.00}× redis)";
        }

        if (SystemNames.IsGrid(system) && run.Results.RedisClusterFor(result) is { } clusterRow && clusterRow.Measurement.OpsPerSecond > 0)
        {
            ratio += $"  ({measurement.OpsPerSecond / clusterRow.Measurement.OpsPerSecond:0.00}× redis-cluster)";
        }

        string near = result.NearCache?.HitRatio is { } l1Hits ? $"  L1 hits {l1Hits * 100:0.0}%" : "";
        if (result.NearCache?.BypassRatio is > 0 and var bypassed)
        {
            near += $" (bypassed {bypassed * 100:0}%)";
        }

        if (result.NearCache is { } window && measurement.Operations > 0)
        {
            near += $", kept {(double)window.Promotions / measurement.Operations:0.000}/op, invalidated {(double)window.InvalidationsReceived / measurement.Operations:0.000}/op";
            if (window.PartitionsDropped > 0)
            {
                // Partitions whose copies all went at once (a gap in a silo's invalidation sequence, a reset or a move).
                near += $", {window.PartitionsDropped:N0} partitions dropped";
            }
        }

        run.Progress.StepDone($"{name,-44} {measurement.OpsPerSecond,10:N0} ops/s  p50 {measurement.P50Micros,6:N0} µs  p99 {measurement.P99Micros,7:N0} µs  p99.9 {measurement.P999Micros,7:N0} µs  CPU c {measurement.ClientCpuPercent:0}% s {measurement.ServerCpuPercent:0}% {Fmt.CpuPerOp(measurement)} µs/op  alloc c {measurement.ClientAllocatedBytesPerOp:N0} B/op  GC pause c {measurement.ClientGcPausePercent:0.0}%{near}{ratio}{(measurement.Errors > 0 ? $"  {measurement.Errors:N0} errors" : "")}");

        if (servers.Exited() is { Count: > 0 } gone)
        {
            throw new InvalidOperationException($"Server process(es) died during {name}: {string.Join("; ", gone)}");
        }
    }
}
