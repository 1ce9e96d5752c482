using Grid.Client;

namespace Grid.Cluster.Tests.Metrics;

[Collection(ClusterCollection.Name)]
public sealed class AnalyticsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_analytics_report_merges_every_silo_into_hit_ratio_latency_throughput_levels_and_history()
    {
        await using var cache = await fixture.ConnectAsync(new GridClientOptions());
        var before = await cache.GetAnalyticsAsync();
        for (int i = 0; i < 50; i++)
        {
            await fixture.Cache.SetStringAsync($"analytics:{i}", "v");          // another client (a writer keeps its own value)
            Assert.Equal("v", await cache.GetStringAsync($"analytics:{i}"));   // grid hit
            Assert.Equal("v", await cache.GetStringAsync($"analytics:{i}"));   // near-cache hit
            Assert.Null(await cache.GetStringAsync($"analytics:missing:{i}"));
        }

        var report = await cache.GetAnalyticsAsync();

        Assert.Equal(2, report.Silos);
        Assert.Equal(2, report.PerSilo.Count);
        Assert.True(report.Window.Operations - before.Window.Operations >= 150, $"{report.Window.Operations} - {before.Window.Operations}");
        Assert.True(report.Grid.Hits - before.Grid.Hits >= 50);
        Assert.True(report.Grid.Misses - before.Grid.Misses >= 50);
        Assert.InRange(report.HitRatio, 0.01, 0.99);
        Assert.True(report.NearCache.Hits >= 50);
        Assert.True(report.Distribution.NearCache > 0);
        Assert.Equal(1.0, report.Distribution.NearCache + report.Distribution.Grid + report.Distribution.Miss, 9);
        Assert.True(report.AverageLatencyMs > 0);
        Assert.True(report.P99LatencyMs > 0);
        Assert.True(report.OperationsPerSecond > 0);
        Assert.InRange(report.Hourly.Count, 1, 24);
        Assert.NotEmpty(report.Recent);
        Assert.Equal(report.Window.Operations, report.Hourly.Sum(h => h.Operations));
        Assert.Equal(report.Window.Operations, report.PerSilo.Sum(s => s.Hourly.Sum(h => h.Operations)));
        Assert.All(report.Hourly, h => Assert.Equal(0, h.Start.ToUnixTimeMilliseconds() % 3_600_000));
        Assert.All(report.Recent, r => Assert.Equal(0, r.Start.ToUnixTimeMilliseconds() % 10_000));
    }

    [Fact]
    public async Task Analytics_are_also_registered_as_a_service_by_the_cache_itself()
    {
        IGridAnalytics analytics = fixture.Cache;
        var report = await analytics.GetAnalyticsAsync();
        Assert.Equal(2, report.Silos);
        Assert.All(report.PerSilo, silo => Assert.True(silo.Statistics.BudgetBytes > 0));
        Assert.All(report.PerSilo, silo => Assert.True(silo.StartedAtUnixMs <= silo.CapturedAtUnixMs));
    }
}
