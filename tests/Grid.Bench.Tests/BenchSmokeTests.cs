using System.Globalization;
using System.Reflection;
using Grid.Bench.Cli;
using Grid.Bench.Hosting;

namespace Grid.Bench.Tests;

/// <summary>Runs the harness's smoke mode end to end (real silo and redis-server processes) so it cannot rot.</summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task Smoke_run_writes_results_with_nonzero_throughput_for_redis_grid_and_grid_l1()
    {
        Assert.True(
            ExecutableLocator.Find("redis-server") is not null,
            "redis-server is not on PATH. The benchmark smoke test starts real redis-server processes: install it (Debian: apt-get install redis-server); CI installs it.");

        string resultsRoot = Path.Combine(Path.GetTempPath(), "grid-bench-smoke-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Task.Run: the harness runs without xunit's synchronization context, as it does as a program.
            int exit = await Task.Run(() => BenchCommandLine.RunAsync(["--smoke", "--plain", "--results", resultsRoot, "--silo-dll", SiloDll()]));

            string run = SingleRunDirectory(resultsRoot);
            string markdown = await File.ReadAllTextAsync(Path.Combine(run, "results.md"));
            Assert.True(exit == 0, $"The smoke run exited with {exit}:{Environment.NewLine}{markdown}");
            foreach (var file in new[] { "results.md", "results.csv", "memory.csv", "throughput.png" })
            {
                Assert.True(File.Exists(Path.Combine(run, file)), $"{file} is missing from {run}");
                Assert.True(File.Exists(Path.Combine(resultsRoot, "latest", file)), $"{file} is missing from latest/");
            }

            var opsPerSecond = ThroughputBySystem(Path.Combine(run, "results.csv"));
            Assert.True(opsPerSecond.TryGetValue("redis", out double redis) && redis > 0, $"No redis row with ops/s > 0 in results.csv:{Environment.NewLine}{markdown}");
            Assert.True(opsPerSecond.TryGetValue("grid", out double grid) && grid > 0, $"No grid row with ops/s > 0 in results.csv:{Environment.NewLine}{markdown}");
            Assert.True(opsPerSecond.TryGetValue("grid-l1", out double gridL1) && gridL1 > 0, $"No grid-l1 row with ops/s > 0 in results.csv:{Environment.NewLine}{markdown}");
            Assert.Contains("## Grid with near cache vs redis-server", markdown, StringComparison.Ordinal);
            Assert.Contains("L1 hit ratio", markdown, StringComparison.Ordinal);
            Assert.Contains("| memory", markdown, StringComparison.Ordinal);
            Assert.Contains("redis-benchmark", markdown, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(resultsRoot))
            {
                Directory.Delete(resultsRoot, recursive: true);
            }
        }
    }

    /// <summary>The silo built in this test's configuration (the project reference builds it).</summary>
    private static string SiloDll()
    {
        string configuration = typeof(BenchSmokeTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        string dll = Path.Combine(RepoPaths.Root, "src", "Silo", "bin", configuration, "net10.0", "Grid.Silo.dll");
        Assert.True(File.Exists(dll), $"{dll} does not exist; build the solution first.");
        return dll;
    }

    private static string SingleRunDirectory(string resultsRoot)
    {
        Assert.True(Directory.Exists(resultsRoot), $"The harness created no results folder at {resultsRoot}.");
        var runs = Directory.GetDirectories(resultsRoot).Where(d => Path.GetFileName(d) != "latest").ToArray();
        Assert.Single(runs);
        return runs[0];
    }

    private static Dictionary<string, double> ThroughputBySystem(string csvPath)
    {
        var lines = File.ReadAllLines(csvPath);
        var header = lines[0].Split(',');
        int section = Array.IndexOf(header, "section");
        int system = Array.IndexOf(header, "system");
        int ops = Array.IndexOf(header, "ops_per_s");
        Assert.True(section >= 0 && system >= 0 && ops >= 0, $"Unexpected results.csv header: {lines[0]}");
        var best = new Dictionary<string, double>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            if (fields[section] != "throughput")
            {
                continue;
            }

            double value = double.Parse(fields[ops], CultureInfo.InvariantCulture);
            best[fields[system]] = Math.Max(value, best.GetValueOrDefault(fields[system]));
        }

        return best;
    }
}
