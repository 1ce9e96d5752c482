using Grid.Client;
using Grid.Grains.Hosting;

namespace Grid.Cluster.Tests;

/// <summary>A two-silo cluster with a small memory budget per silo.</summary>
public sealed class SmallBudgetClusterFixture : ClusterFixture
{
    public const long Budget = 4L << 20;

    protected override void ConfigureGrid(GridSiloOptions options)
    {
        base.ConfigureGrid(options);
        options.MaxMemoryBytes = Budget;
    }

    /// <summary>Figures for the issue note, written where a test run can find them.</summary>
    public void Report(string line) => File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "memory-budget-report.txt"), line + Environment.NewLine);
}

public sealed class MemoryBudgetTests(SmallBudgetClusterFixture fixture) : IClassFixture<SmallBudgetClusterFixture>
{
    private const int ValueSize = 1000;

    private GridCache Cache => fixture.Cache;

    [Fact]
    public async Task Writing_ten_times_the_budget_keeps_every_silo_within_it_and_evicts_the_oldest()
    {
        var prefix = Guid.NewGuid().ToString("N");
        long totalBudget = SmallBudgetClusterFixture.Budget * 2;
        int count = (int)(totalBudget * 10 / ValueSize);
        var keys = Enumerable.Range(0, count).Select(i => $"flood:{prefix}:{i}").ToArray();
        var hot = Enumerable.Range(0, 50).Select(i => $"hot:{prefix}:{i}").ToArray();
        var value = new byte[ValueSize];
        await Cache.SetManyAsync(hot.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)value)).ToList());

        foreach (var chunk in keys.Chunk(500))
        {
            await Cache.SetManyAsync(chunk.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)value)).ToList());
            // Reading the hot keys keeps them recently used.
            await Cache.GetManyAsync(hot);
        }

        var stats = await Cache.GetSiloStatisticsAsync();
        fixture.Report($"after writing {count} x {ValueSize} B: " + string.Join("; ", stats.Select(s => $"{s.Entries} entries, {s.Bytes} of {s.BudgetBytes} bytes, {s.Evictions} evictions")));
        Assert.All(stats, s => Assert.True(s.Bytes <= s.BudgetBytes, $"silo {s.Silo} holds {s.Bytes} bytes over its {s.BudgetBytes} budget"));
        Assert.True(stats.Sum(s => s.Evictions) >= count / 2, $"only {stats.Sum(s => s.Evictions)} evictions for {count} writes");

        var present = new List<byte[]?>(count);
        foreach (var chunk in keys.Chunk(5000))
        {
            present.AddRange(await Cache.GetManyAsync(chunk));
        }

        int survivors = present.Count(v => v is not null);
        Assert.InRange(survivors, 1, count / 5);

        // The most recent writes survive; the oldest half is gone; the hot keys survive.
        int recent = survivors / 2;
        int recentAlive = present.Skip(count - recent).Count(v => v is not null);
        Assert.True(recentAlive >= recent * 0.9, $"{recentAlive} of the {recent} most recent keys survived");
        int oldAlive = present.Take(count / 2).Count(v => v is not null);
        Assert.True(oldAlive <= count / 2 * 0.01, $"{oldAlive} of the oldest {count / 2} keys survived");
        fixture.Report($"survivors {survivors}; recent {recentAlive}/{recent}; oldest-half alive {oldAlive}");
        var hotValues = await Cache.GetManyAsync(hot);
        Assert.True(hotValues.Count(v => v is not null) >= hot.Length * 0.9, "recently read keys were evicted");
    }
}
