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
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        bool needGrid = false;
        bool needRedis = false;
        foreach (var cell in phase.Cells)
        {
            foreach (var system in cell.Systems)
            {
                needGrid |= SystemNames.IsGrid(system);
                needRedis |= !SystemNames.IsGrid(system);
            }
        }

        string label = phase.Silos == 1 ? "1 silo" : $"{phase.Silos} silos";
        run.Progress.Status($"{label}: starting");
        await using var membership = needGrid && phase.Silos > 1
            ? await RedisServer.StartAsync(run.Supervisor, $"redis-membership-{phase.Silos}", run.LogDirectory, cancellationToken)
            : null;
        await using var cluster = needGrid
            ? await SiloCluster.StartAsync(run.Supervisor, run.SiloDll, phase.Silos == 1 ? "silo" : $"silo{phase.Silos}", phase.Silos, membership?.Endpoint, enableDiagnostics: false, run.LogDirectory, cancellationToken)
            : null;
        await using var grid = cluster is not null
            ? await GridConnection.ConnectAsync(cluster, Path.Combine(run.LogDirectory, $"client-{phase.Silos}silo.log"), cancellationToken)
            : null;
        run.Progress.StepDone(cluster is null ? $"{label}: redis-server only" : $"{label}: started ({string.Join(", ", cluster.Gateways)}{(membership is null ? "" : $", membership {membership.Endpoint}")})");

        int preparedSize = -1;
        int warmedSize = -1;
        foreach (var cell in phase.Cells)
        {
            if (cell.ValueSize != preparedSize)
            {
                await PreloadAsync(cell.ValueSize, needRedis ? dataRedis : null, grid, cancellationToken);
                preparedSize = cell.ValueSize;
            }

            var value = KeySpace.Value(cell.ValueSize);
            if (cell.ValueSize != warmedSize)
            {
                await WarmUpAsync(cell, value, grid, cluster, cancellationToken);
                warmedSize = cell.ValueSize;
            }

            foreach (var system in cell.Systems)
            {
                await MeasureAsync(cell, system, value, grid, cluster, cancellationToken);
            }
        }

        if (grid is not null)
        {
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
                run.Results.Notes.Add($"{label}: per silo at the end: {string.Join("; ", spread)}.");
            }

            if (evictions > 0)
            {
                run.Results.Notes.Add($"{label}: the grid evicted {evictions:N0} entries (memory budget); gets of evicted keys miss.");
            }
        }
    }

    private async Task PreloadAsync(int valueSize, RedisServer? redis, GridConnection? grid, CancellationToken cancellationToken)
    {
        var value = KeySpace.Value(valueSize);
        if (redis is not null)
        {
            run.Progress.Status($"preloading redis-server: {phase.Keys:N0} keys × {valueSize} B");
            await redis.FlushAsync();
            var elapsed = await Preloader.RedisAsync(redis.Database, keys, phase.Keys, value, cancellationToken);
            Record(SystemNames.Redis, valueSize, elapsed);
        }

        if (grid is not null)
        {
            // The grid has no "flush all": the same keys are overwritten, so the data set matches redis-server's.
            run.Progress.Status($"preloading grid ({phase.Silos} silo(s)): {phase.Keys:N0} keys × {valueSize} B");
            var elapsed = await Preloader.GridAsync(grid.Batched, keys, phase.Keys, value, cancellationToken);
            Record(SystemNames.Grid, valueSize, elapsed);
        }
    }

    /// <summary>
    /// An untimed round per system before a value size's first cell, so no cell pays for a cold process (JIT tiering,
    /// connection and thread-pool ramp-up, first activations): the per-cell warm-up is too short for that on its own.
    /// </summary>
    private async Task WarmUpAsync(CellPlan cell, byte[] value, GridConnection? grid, SiloCluster? cluster, CancellationToken cancellationToken)
    {
        var duration = plan.Mode switch
        {
            Cli.BenchMode.Smoke => TimeSpan.FromSeconds(0.5),
            Cli.BenchMode.Quick => TimeSpan.FromSeconds(1),
            _ => TimeSpan.FromSeconds(2),
        };
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
            await using var target = await SystemTarget.CreateAsync(system, dataRedis, grid, cluster, cancellationToken);
            var request = new LoadRequest
            {
                KeySpace = keys,
                KeyCount = phase.Keys,
                Value = value,
                GetPercent = 50,
                Distribution = KeyDistribution.Uniform,
                Concurrency = 64,
                Warmup = TimeSpan.Zero,
                Duration = duration,
            };
            await run.Generator.RunAsync(target.Target, request, target.ServerPids, cancellationToken);
        }
    }

    private void Record(string system, int valueSize, TimeSpan elapsed)
    {
        var preload = new PreloadResult(phase.Silos, system, phase.Keys, valueSize, elapsed.TotalSeconds);
        run.Results.Preloads.Add(preload);
        run.Progress.StepDone($"preload {system,-14} {phase.Silos} silo(s) {phase.Keys:N0} × {valueSize} B in {elapsed.TotalSeconds:0.0} s ({preload.KeysPerSecond:N0} keys/s)");
    }

    private async Task MeasureAsync(CellPlan cell, string system, byte[] value, GridConnection? grid, SiloCluster? cluster, CancellationToken cancellationToken)
    {
        string name = $"{system} {phase.Silos}s {cell.ValueSize}B {cell.GetPercent}/{100 - cell.GetPercent} {(cell.Distribution == KeyDistribution.Uniform ? "uniform" : "zipf")} N={cell.Concurrency}";
        run.Progress.Status(name);
        await using var target = await SystemTarget.CreateAsync(system, dataRedis, grid, cluster, cancellationToken);

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
        if (system != SystemNames.Redis && run.Results.RedisFor(result) is { } redisRow && redisRow.Measurement.OpsPerSecond > 0)
        {
            ratio = $"  ({measurement.OpsPerSecond / redisRow.Measurement.OpsPerSecond:0.00}× redis)";
        }

        string near = result.NearCache?.HitRatio is { } l1Hits ? $"  L1 hits {l1Hits * 100:0.0}%" : "";
        run.Progress.StepDone($"{name,-44} {measurement.OpsPerSecond,10:N0} ops/s  p50 {measurement.P50Micros,6:N0} µs  p99 {measurement.P99Micros,7:N0} µs  p99.9 {measurement.P999Micros,7:N0} µs  CPU c {measurement.ClientCpuPercent:0}% s {measurement.ServerCpuPercent:0}%{near}{ratio}{(measurement.Errors > 0 ? $"  {measurement.Errors:N0} errors" : "")}");

        if (cluster?.Exited() is { Count: > 0 } gone)
        {
            throw new InvalidOperationException($"Silo process(es) died during {name}: {string.Join("; ", gone)}");
        }
    }
}
