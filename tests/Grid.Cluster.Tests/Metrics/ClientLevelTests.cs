using Grid.Client;
using Grid.Client.Hosting;
using Grid.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grid.Cluster.Tests.Metrics;

/// <summary>
/// The levels the silos cannot see (a client's near cache, an application's edge and output caches): clients report
/// them to the cluster, which sums them for the dashboard.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientLevelTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_client_reports_its_near_cache_and_its_other_levels_and_the_cluster_sums_them()
    {
        using var cache = await fixture.ConnectAsync(new GridClientOptions());
        string key = $"levels:{Guid.NewGuid():N}";
        await cache.SetAsync(key, "v"u8.ToArray());
        for (int i = 0; i < 5; i++)
        {
            await cache.GetAsync(key);
        }

        var levels = new GridLevelCounters();
        levels.For("edge").Hit();
        levels.For("edge").Hit();
        levels.For("edge").Miss();
        levels.For("unused");
        await using var reporter = new ClientLevelReporter(cache, fixture.Cluster.Client, levels, NullLogger<ClientLevelReporter>.Instance);

        var report = reporter.Snapshot();
        Assert.NotNull(report);
        var l1 = Assert.Single(report.Levels, l => l.Level == "l1");
        Assert.True(l1.Hits >= 3, $"near cache {l1.Hits} hits, {l1.Misses} misses");
        Assert.Equal(new GridLevelCount("edge", 2, 1), Assert.Single(report.Levels, l => l.Level == "edge"));
        Assert.DoesNotContain(report.Levels, l => l.Level == "unused");   // nothing counted, nothing said

        var grain = fixture.Cluster.Client.GetGrain<IClientStatisticsGrain>(0);
        var before = await grain.GetLevels();
        await reporter.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(async () => Edge(await grain.GetLevels()) >= Edge(before) + 2, TimeSpan.FromSeconds(30), "the report arrived");
        await reporter.StopAsync(CancellationToken.None);

        var after = await grain.GetLevels();
        Assert.True(after.Clients >= 1);
        Assert.Contains(after.Levels, l => l.Level == "l1" && l.Hits >= l1.Hits);
    }

    [Fact]
    public async Task Reports_replace_the_same_clients_previous_one_and_are_summed_across_clients()
    {
        var grain = fixture.Cluster.Client.GetGrain<IClientStatisticsGrain>(0);
        var before = await grain.GetLevels();
        string first = Guid.NewGuid().ToString("N");
        string second = Guid.NewGuid().ToString("N");

        await grain.Report(new GridClientReport(first, "a", [new GridLevelCount("test-level", 10, 5)]));
        await grain.Report(new GridClientReport(first, "a", [new GridLevelCount("test-level", 12, 6)]));   // cumulative: replaces
        await grain.Report(new GridClientReport(second, "b", [new GridLevelCount("test-level", 1, 1)]));

        var after = await grain.GetLevels();
        var level = Assert.Single(after.Levels, l => l.Level == "test-level");
        var earlier = Array.Find(before.Levels, l => l.Level == "test-level") ?? new GridLevelCount("test-level", 0, 0);
        Assert.Equal((earlier.Hits + 13, earlier.Misses + 7), (level.Hits, level.Misses));
        Assert.Equal(before.Clients + 2, after.Clients);
    }

    private static long Edge(GridClientLevels levels) => Array.Find(levels.Levels, l => l.Level == "edge")?.Hits ?? 0;
}
