using Grid.Bench.Cli;
using Grid.Bench.Load;
using Grid.Bench.Reporting;
using Grid.Bench.Resp;
using Grid.Bench.Runner;

namespace Grid.Bench.Tests;

/// <summary>Ratios against redis-server and the Redis Cluster, and CPU µs per operation, as the reports show them.</summary>
public sealed class ReportingTests
{
    [Fact]
    public void Three_silo_grid_rows_are_compared_with_redis_cluster_of_the_same_phase_and_workload_and_with_redis()
    {
        var results = Results();
        results.Cells.Add(Cell(1, SystemNames.Redis, 64, ops: 50_000));
        results.Cells.Add(Cell(1, SystemNames.Grid, 64, ops: 20_000));
        results.Cells.Add(Cell(3, SystemNames.Redis, 64, ops: 40_000, p99: 500));
        results.Cells.Add(Cell(3, SystemNames.RedisCluster, 64, ops: 80_000, p99: 1_000));
        results.Cells.Add(Cell(3, SystemNames.RedisCluster, 16, ops: 10_000));
        results.Cells.Add(Cell(3, SystemNames.Grid, 64, ops: 20_000, p99: 2_000));
        results.Cells.Add(Cell(3, SystemNames.GridAsync, 64, ops: 40_000, p99: 500));

        var comparisons = Comparison.All(results);

        Assert.DoesNotContain(comparisons, c => SystemNames.IsRedis(c.System));
        Assert.Null(Assert.Single(comparisons, c => c.Silos == 1).Rows[0].Cluster);
        var grid = Assert.Single(comparisons, c => c.Silos == 3 && c.System == SystemNames.Grid);
        var row = Assert.Single(grid.Rows);
        Assert.Equal(SystemNames.RedisCluster, row.Cluster!.System);
        Assert.Equal(64, row.Cluster.Concurrency);
        Assert.Equal(0.25, ComparisonRow.OpsRatio(row.Challenger, row.Cluster));
        Assert.Equal(0.5, ComparisonRow.OpsRatio(row.Challenger, row.Redis));
        Assert.Equal(2.0, ComparisonRow.P99Ratio(row.Challenger, row.Cluster));
        Assert.Equal(0.25, grid.SummaryVs(r => r.Cluster).Ops);
        Assert.Contains("redis-cluster", grid.Title, StringComparison.Ordinal);

        var summary = SummaryTable.Build(results);
        var async = Assert.Single(summary, l => l.Name == "grid-async, 3 silos");
        Assert.Equal(0.5, async.OpsVsCluster);
        Assert.Equal(1.0, async.OpsVsRedis);
        Assert.Null(Assert.Single(summary, l => l.Name == "grid, 1 silo").OpsVsCluster);
    }

    [Fact]
    public void Csv_has_the_ratio_against_redis_cluster_beside_the_ratio_against_redis()
    {
        var results = Results();
        results.Cells.Add(Cell(3, SystemNames.Redis, 64, ops: 40_000));
        results.Cells.Add(Cell(3, SystemNames.RedisCluster, 64, ops: 80_000));
        results.Cells.Add(Cell(3, SystemNames.Grid, 64, ops: 20_000));

        var lines = CsvReport.Results(results).ReplaceLineEndings("\n").Trim().Split('\n');
        var header = lines[0].Split(',');
        var grid = Array.Find(lines, l => l.Split(',')[2] == SystemNames.Grid)!.Split(',');
        var cluster = Array.Find(lines, l => l.Split(',')[2] == SystemNames.RedisCluster)!.Split(',');

        Assert.Equal(header.Length, grid.Length);
        Assert.Equal("3", cluster[Array.IndexOf(header, "silos")]);
        Assert.Equal("0.5", grid[Array.IndexOf(header, "ops_ratio_vs_redis")]);
        Assert.Equal("0.25", grid[Array.IndexOf(header, "ops_ratio_vs_redis_cluster")]);
        Assert.Equal("", cluster[Array.IndexOf(header, "ops_ratio_vs_redis_cluster")]);
    }

    [Fact]
    public void Cpu_per_operation_splits_client_and_server_time()
    {
        // 2 s window, 100,000 operations, client 50 % and server 150 % of a core: 1 s + 3 s of CPU.
        var m = new LoadMeasurement { Operations = 100_000, Seconds = 2, ClientCpuPercent = 50, ServerCpuPercent = 150 };

        Assert.Equal(10, m.ClientCpuMicrosPerOp, 6);
        Assert.Equal(30, m.ServerCpuMicrosPerOp, 6);
        Assert.Equal(40, m.CpuMicrosPerOp, 6);
        Assert.Equal("40.0 (10.0 + 30.0)", Fmt.CpuPerOp(m));
    }

    [Theory]
    [InlineData(8.14, 4.2, "12.3 (8.1 + 4.2)")]
    [InlineData(1234.5, 0.5, "1,235.0 (1,234.5 + 0.5)")]
    [InlineData(0, 0, "–")]
    [InlineData(double.NaN, 1, "–")]
    public void Cpu_per_operation_is_formatted_as_total_then_client_plus_server(double client, double server, string expected) =>
        Assert.Equal(expected, Fmt.CpuPerOp(client, server));

    [Fact]
    public void Summaries_show_the_mean_cpu_per_operation_of_the_system_and_of_its_anchors()
    {
        var results = Results();
        results.Cells.Add(Cell(3, SystemNames.Redis, 64, ops: 40_000, clientCpu: 40, serverCpu: 40));
        results.Cells.Add(Cell(3, SystemNames.RedisCluster, 64, ops: 40_000, clientCpu: 40, serverCpu: 80));
        results.Cells.Add(Cell(3, SystemNames.Grid, 64, ops: 20_000, clientCpu: 60, serverCpu: 120));

        var line = Assert.Single(SummaryTable.Build(results));
        var cells = SummaryTable.Format(line);

        // grid: 0.6 s client and 1.2 s server CPU over 20,000 operations.
        Assert.Equal("90.0 (30.0 + 60.0)", cells[SummaryTable.Columns.ToList().IndexOf("CPU µs/op (client + server)")]);
        Assert.Equal("20.0 (10.0 + 10.0)", cells[SummaryTable.Columns.ToList().IndexOf("redis CPU µs/op")]);
        Assert.Equal("30.0 (10.0 + 20.0)", cells[SummaryTable.Columns.ToList().IndexOf("redis-cluster CPU µs/op")]);
        Assert.Contains("90.0 (30.0 + 60.0)", ConsoleSummary.PlainSummary([line]), StringComparison.Ordinal);

        string markdown = MarkdownReport.Render(results, []);
        Assert.Contains("| redis-cluster CPU µs/op |", markdown, StringComparison.Ordinal);
        Assert.Contains("| grid, 3 silos | 1 | 0.50× |", markdown, StringComparison.Ordinal);
        Assert.Contains("**ops/s × cluster**", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Goals_take_the_worst_ratio_of_the_cells_they_cover_and_say_what_this_run_did_not_measure()
    {
        var results = Results();
        results.Cells.Add(Cell(1, SystemNames.Redis, 64, ops: 10_000, p99: 1_000));
        results.Cells.Add(Cell(1, SystemNames.Grid, 64, ops: 25_000, p99: 400));
        results.Cells.Add(Cell(1, SystemNames.Redis, 64, ops: 10_000, p99: 1_000) with { GetPercent = 50 });
        results.Cells.Add(Cell(1, SystemNames.Grid, 64, ops: 15_000, p99: 600) with { GetPercent = 50 });
        results.Cells.Add(Cell(1, SystemNames.GridL1, 64, ops: 20_000));
        results.Cells.Add(Cell(3, SystemNames.RedisCluster, 64, ops: 40_000, serverCpu: 100));
        results.Cells.Add(Cell(3, SystemNames.Grid, 64, ops: 40_000, serverCpu: 300));
        results.Preloads.Add(new PreloadResult(1, SystemNames.Redis, 1_000_000, 100, 1.0));
        results.Preloads.Add(new PreloadResult(3, SystemNames.Grid, 1_000_000, 100, 2.0));

        var goals = GoalReport.Build(results);

        var throughput = Assert.Single(goals, g => g.Goal.StartsWith("1 silo, 100 B, N = 64", StringComparison.Ordinal) && g.AtLeast);
        Assert.Equal(1.5, throughput.Ratio);                   // the 50/50 cell, the worse of the two
        Assert.Equal(2, throughput.Cells);
        Assert.False(throughput.Met);
        var p99 = Assert.Single(goals, g => g.Goal.StartsWith("1 silo, 100 B, N = 64", StringComparison.Ordinal) && !g.AtLeast);
        Assert.Equal(0.6, p99.Ratio!.Value, 6);
        Assert.False(p99.Met);
        Assert.True(Assert.Single(goals, g => g.Goal.Contains("ops/s vs Redis Cluster", StringComparison.Ordinal)).Met);
        Assert.Equal(3.0, Assert.Single(goals, g => g.Goal.Contains("server CPU", StringComparison.Ordinal)).Ratio!.Value, 6);
        Assert.Equal(0.8, Assert.Single(goals, g => g.Goal.StartsWith("near cache on vs off", StringComparison.Ordinal)).Ratio!.Value, 6);
        Assert.Equal(0.5, Assert.Single(goals, g => g.Goal.StartsWith("bulk load", StringComparison.Ordinal)).Ratio);
        var memory = Assert.Single(goals, g => g.Goal.Contains("GC heap", StringComparison.Ordinal));
        Assert.Null(memory.Met);
        Assert.Equal("not measured in this run", memory.Verdict);

        string markdown = MarkdownReport.Render(results, []);
        Assert.Contains("## Goals", markdown, StringComparison.Ordinal);
        Assert.Contains("| 1 silo, 100 B, N = 64, 90/10 and 50/50: ops/s vs redis-server | ≥ 2.00× | 1.50× | 2 | **not met** | [profile](misses.md#one-silo-n64) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| met | – |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_goal_links_a_section_of_the_misses_document_that_exists()
    {
        string misses = File.ReadAllText(MissesDocument.SourcePath);
        var results = Results();
        var goals = GoalReport.Build(results);
        goals.AddRange(RespBenchmark.Goals([]));
        foreach (var goal in goals)
        {
            Assert.False(goal.Why is null, $"{goal.Goal} names no section of {GoalCheck.MissesFile}");
            Assert.Contains($"<a id=\"{goal.Why}\"></a>", misses, StringComparison.Ordinal);
        }
    }

    private static CellResult Cell(int silos, string system, int concurrency, double ops, double p99 = 1_000, double clientCpu = 50, double serverCpu = 50)
    {
        var measurement = new LoadMeasurement
        {
            Operations = (long)ops,
            Seconds = 1,
            P50Micros = p99 / 2,
            P99Micros = p99,
            P999Micros = p99 * 2,
            ClientCpuPercent = clientCpu,
            ServerCpuPercent = serverCpu,
        };
        return new CellResult(silos, system, 100, 90, KeyDistribution.Uniform, concurrency, 1_000, measurement, 1.0);
    }

    private static BenchResults Results()
    {
        var options = new BenchOptions { Mode = BenchMode.Quick };
        return new BenchResults
        {
            Options = options,
            Plan = BenchPlan.Create(options),
            Started = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Local),
            Machine = new MachineInfo
            {
                CpuModel = "test",
                Cores = 2,
                Memory = "1 GiB",
                OperatingSystem = "test",
                DotNet = "10",
                GcMode = "server",
                Orleans = "10",
                StackExchangeRedis = "2",
                RedisServer = "7",
                GitCommit = "0",
                LoadAverageAtStart = "0",
                Command = "test",
            },
        };
    }
}
