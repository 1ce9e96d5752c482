using System.Diagnostics;
using System.Globalization;
using Grid.Bench.Cli;
using Grid.Bench.Hosting;
using Grid.Bench.Load;
using Grid.Bench.Memory;
using Grid.Bench.Progress;
using Grid.Bench.Reference;
using Grid.Bench.Reporting;

namespace Grid.Bench.Runner;

/// <summary>A whole run: memory section, each topology's cells, redis-benchmark, then the report files.</summary>
internal static class BenchRunner
{
    /// <summary>Runs the benchmark; returns 0 on success, 1 on failure, 130 when cancelled. Partial results are written either way.</summary>
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var plan = BenchPlan.Create(options);
        var output = ResultsDirectory.Create(options.ResultsRoot ?? RepoPaths.DefaultResultsRoot);
        var results = new BenchResults
        {
            Options = options,
            Plan = plan,
            Machine = MachineInfo.Collect(options.Arguments),
            Started = DateTime.Now,
        };

        using var supervisor = new ProcessSupervisor();
        var token = supervisor.Token;
        int exitCode = 0;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await ProgressHost.RunAsync(options.Plain, plan.Steps, async progress =>
            {
                progress.Note($"Grid.Bench {plan.Mode.ToString().ToLowerInvariant()} run → {output.Directory}");
                var run = new RunContext
                {
                    Supervisor = supervisor,
                    Progress = progress,
                    LogDirectory = output.Logs,
                    SiloDll = await SiloBuild.LocateAsync(options.SiloDll, supervisor, output.Logs, progress.Status, token),
                    Results = results,
                    Cores = options.Cores,
                };

                if (options.Cores is { } cores)
                {
                    results.Notes.Add(CoreLimit.Describe(cores) + ".");
                }

                if (SiloBuild.StalenessWarning(run.SiloDll) is { } stale)
                {
                    results.Notes.Add(stale);
                    progress.Note("warning: " + stale);
                }

                await RunBodyAsync(run, plan, token);
            });
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            results.Failure = "Cancelled (Ctrl+C or SIGTERM); the tables hold what was measured before.";
            exitCode = 130;
        }
        catch (Exception ex)
        {
            results.Failure = ex.ToString();
            exitCode = 1;
        }
        finally
        {
            supervisor.KillAll();
        }

        results.Finished = DateTime.Now;
        results.LoadAverageAtEnd = MachineInfo.LoadAverage();
        List<string> written;
        try
        {
            written = await ReportWriter.WriteAllAsync(results, output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Writing the results to {output.Directory} failed: {ex.Message}");
            return 1;
        }

        ConsoleSummary.Print(results, written, output.Directory, ProgressHost.IsInteractive(options.Plain), stopwatch.Elapsed);
        return exitCode;
    }

    private static async Task RunBodyAsync(RunContext run, BenchPlan plan, CancellationToken token)
    {
        int maxKeys = plan.MemoryEntries;
        foreach (var phase in plan.Phases)
        {
            maxKeys = Math.Max(maxKeys, phase.Keys);
        }

        run.Progress.Status($"building {maxKeys:N0} keys");
        var keys = KeySpace.Create(maxKeys);

        if (plan.MemoryEntries > 0 && (plan.MemoryRedis || plan.MemoryGrid))
        {
            run.Results.Memory = await MemoryBenchmark.RunAsync(plan, run, keys, token);
        }

        bool needRedis = plan.RedisBenchmarkRequests > 0;
        foreach (var phase in plan.Phases)
        {
            foreach (var cell in phase.Cells)
            {
                needRedis |= cell.Systems.Contains(SystemNames.Redis);
            }
        }

        await using var dataRedis = needRedis ? await RedisServer.StartAsync(run.Supervisor, "redis-data", run.LogDirectory, token, run.Cores) : null;
        foreach (var phase in plan.Phases)
        {
            await new PhaseRunner(run, plan, phase, keys, dataRedis).RunAsync(token);
        }

        if (dataRedis is not null && plan.RedisBenchmarkRequests > 0)
        {
            foreach (int pipeline in new[] { 1, 16 })
            {
                run.Progress.Status($"redis-benchmark -c 64 -n {plan.RedisBenchmarkRequests} -t get,set -d 100{(pipeline > 1 ? " -P 16" : "")}");
                var rows = await RedisBenchmarkRunner.RunAsync(dataRedis, plan.RedisBenchmarkRequests, pipeline, run.Supervisor, run.LogDirectory, token);
                run.Results.RedisBenchmark.AddRange(rows);
                var parts = new List<string>();
                foreach (var row in rows)
                {
                    parts.Add(string.Create(CultureInfo.InvariantCulture, $"{row.Test} {row.RequestsPerSecond:N0} req/s p50 {row.P50Micros:N0} µs p99 {row.P99Micros:N0} µs"));
                }

                run.Progress.StepDone($"redis-benchmark P={pipeline}: {string.Join("; ", parts)}");
            }
        }
    }
}
