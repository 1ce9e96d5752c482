using Grid.Bench.Cli;
using Grid.Bench.Load;
using Grid.Bench.Runner;

namespace Grid.Bench.Tests;

/// <summary>Which systems the plan puts on which cells: redis-cluster and grid-async join every multi-silo cell.</summary>
public sealed class BenchPlanTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_three_silo_cell_has_redis_cluster_and_grid_async_beside_redis_and_grid(bool quick)
    {
        var plan = BenchPlan.Create(new BenchOptions { Mode = quick ? BenchMode.Quick : BenchMode.Full });

        var three = Assert.Single(plan.Phases, p => p.Silos == 3);
        Assert.NotEmpty(three.Cells);
        foreach (var cell in three.Cells)
        {
            Assert.Equal([SystemNames.Redis, SystemNames.RedisCluster, SystemNames.Grid, SystemNames.GridAsync], cell.Systems);
        }

        foreach (var cell in Assert.Single(plan.Phases, p => p.Silos == 1).Cells)
        {
            Assert.DoesNotContain(SystemNames.RedisCluster, cell.Systems);
            Assert.DoesNotContain(SystemNames.GridAsync, cell.Systems);
        }
    }

    [Fact]
    public void Memory_only_runs_the_memory_section_of_both_systems_and_nothing_else()
    {
        var plan = BenchPlan.Create(new BenchOptions { Mode = BenchMode.Quick, MemoryOnly = true });

        Assert.Empty(plan.Phases);
        Assert.Equal(0, plan.RedisBenchmarkRequests);
        Assert.Equal(1_000_000, plan.MemoryEntries);
        Assert.True(plan.MemoryRedis);
        Assert.True(plan.MemoryGrid);
    }

    [Fact]
    public void Quick_has_a_three_silo_50_50_cell_at_64_loops()
    {
        var plan = BenchPlan.Create(new BenchOptions { Mode = BenchMode.Quick });

        var three = Assert.Single(plan.Phases, p => p.Silos == 3);
        Assert.Contains(three.Cells, c => c.ValueSize == 100 && c.GetPercent == 50 && c.Distribution == KeyDistribution.Uniform && c.Concurrency == 64);
    }

    [Fact]
    public void Only_measures_exactly_the_named_systems()
    {
        var plan = BenchPlan.Create(new BenchOptions { Mode = BenchMode.Quick, Only = [SystemNames.Grid], Silos = [3] });

        foreach (var cell in Assert.Single(plan.Phases).Cells)
        {
            Assert.Equal([SystemNames.Grid], cell.Systems);
        }
    }

    [Fact]
    public void Only_redis_cluster_and_grid_async_can_be_asked_for_by_name()
    {
        var plan = BenchPlan.Create(new BenchOptions { Mode = BenchMode.Smoke, Only = [SystemNames.RedisCluster, SystemNames.GridAsync], Silos = [3] });

        Assert.Equal([SystemNames.RedisCluster, SystemNames.GridAsync], Assert.Single(Assert.Single(plan.Phases).Cells).Systems);
    }

    [Fact]
    public void Grid_systems_share_the_sync_silos_except_grid_async()
    {
        Assert.Equal(SystemNames.Grid, BenchPlan.PreloadTarget(SystemNames.GridL1));
        Assert.Equal(SystemNames.Grid, BenchPlan.PreloadTarget(SystemNames.GridUnbatched));
        Assert.Equal(SystemNames.GridAsync, BenchPlan.PreloadTarget(SystemNames.GridAsync));
        Assert.Equal(SystemNames.RedisCluster, BenchPlan.PreloadTarget(SystemNames.RedisCluster));
        Assert.False(SystemNames.IsGrid(SystemNames.RedisCluster));
    }

    [Fact]
    public void Plan_printout_lists_the_cluster_systems_and_the_core_limit()
    {
        string text = PlanPrinter.Describe(BenchPlan.Create(new BenchOptions { Mode = BenchMode.Quick, Cores = 1 }));

        Assert.Contains("redis, redis-cluster, grid, grid-async", text, StringComparison.Ordinal);
        Assert.Contains("--cores 1", text, StringComparison.Ordinal);
    }
}
