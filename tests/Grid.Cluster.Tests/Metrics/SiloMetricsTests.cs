using Grid.Client;

namespace Grid.Cluster.Tests.Metrics;

[Collection(ClusterCollection.Name)]
public sealed class SiloMetricsTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Silo_instruments_report_sizes_operations_hits_misses_and_removals_by_cause()
    {
        using var metrics = new GridMeterListener();
        var cache = fixture.Cache;
        // Counters are compared per silo: other test classes' silos in this process may stop meanwhile.
        var setsBefore = metrics.ObserveBySource("grid.silo.operations", ("operation", "set"));
        var hitsBefore = metrics.ObserveBySource("grid.silo.hits");
        var missesBefore = metrics.ObserveBySource("grid.silo.misses");
        var tagBefore = metrics.ObserveBySource("grid.silo.invalidations", ("cause", "tag"));
        var patternBefore = metrics.ObserveBySource("grid.silo.invalidations", ("cause", "pattern"));
        var deletionsBefore = metrics.ObserveBySource("grid.silo.deletions");

        for (int i = 0; i < 20; i++)
        {
            await cache.SetStringAsync($"metrics:silo:{i}", "value", new GridEntryOptions { Tags = [i < 5 ? "metrics-tag" : "other-tag"] });
        }

        Assert.NotNull(await cache.GetAsync("metrics:silo:10", GridReadOptions.SkipNearCache));   // a grid hit (the writer's near cache holds it too)
        Assert.Null(await cache.GetStringAsync("metrics:silo:missing"));
        Assert.True(await cache.RemoveAsync("metrics:silo:19"));
        Assert.Equal(5, await cache.InvalidateTagAsync("metrics-tag"));
        Assert.Equal(3, await cache.InvalidatePatternAsync("metrics:silo:1[678]"));

        Assert.True(GridMeterListener.Growth(setsBefore, metrics.ObserveBySource("grid.silo.operations", ("operation", "set"))) >= 20);
        Assert.True(metrics.Observe("grid.silo.operations", ("operation", "get")) >= 2);
        Assert.True(GridMeterListener.Growth(hitsBefore, metrics.ObserveBySource("grid.silo.hits")) >= 1);
        Assert.True(GridMeterListener.Growth(missesBefore, metrics.ObserveBySource("grid.silo.misses")) >= 1);
        Assert.True(GridMeterListener.Growth(deletionsBefore, metrics.ObserveBySource("grid.silo.deletions")) >= 1);
        Assert.True(GridMeterListener.Growth(tagBefore, metrics.ObserveBySource("grid.silo.invalidations", ("cause", "tag"))) >= 5);
        Assert.True(GridMeterListener.Growth(patternBefore, metrics.ObserveBySource("grid.silo.invalidations", ("cause", "pattern"))) >= 3);
        Assert.True(metrics.Observe("grid.silo.entries") >= 11);
        Assert.True(metrics.Observe("grid.silo.bytes") > 0);
        // The listener sees every silo in this process: other test classes' clusters may be running beside the fixture's two.
        double budget = metrics.Observe("grid.silo.budget_bytes");
        Assert.True(budget >= 2 * (512L << 20), $"budget {budget}");
        Assert.True(metrics.Observe("grid.silo.partitions") >= 1);

        // Every instrument the README lists exists, with its unit.
        var units = metrics.Instruments.Values.Where(i => i.Name.StartsWith("grid.silo.", StringComparison.Ordinal)).ToDictionary(i => i.Name, i => i.Unit);
        Assert.Equal("By", units["grid.silo.bytes"]);
        Assert.Equal("{entry}", units["grid.silo.entries"]);
        Assert.Equal("ms", units["grid.silo.batch.duration"]);
        foreach (var name in new[] { "grid.silo.evictions", "grid.silo.expirations", "grid.silo.near_cache.tracked_keys", "grid.silo.near_cache.clients", "grid.silo.near_cache.invalidations", "grid.silo.tags.index_shards", "grid.silo.tags.tags", "grid.silo.tags.index_keys", "grid.silo.tags.index_bytes", "grid.silo.replica.partitions", "grid.silo.replica.entries", "grid.silo.replica.bytes" })
        {
            Assert.True(units.ContainsKey(name), name);
        }

        Assert.Equal("{partition}", units["grid.silo.rebalance.partitions_pending"]);
        Assert.Equal("{partition}", units["grid.silo.rebalance.partitions_moved"]);
        Assert.Equal("By", units["grid.silo.rebalance.bytes_moved"]);
        Assert.Equal("{state}", units["grid.silo.rebalance.paused"]);
        Assert.Equal("{file}", units["grid.silo.snapshot.files_written"]);
        Assert.Equal("By", units["grid.silo.snapshot.bytes_written"]);
        Assert.Equal("{file}", units["grid.silo.snapshot.write_failures"]);
        Assert.Equal("{file}", units["grid.silo.snapshot.damaged_files"]);
        Assert.Equal("{entry}", units["grid.silo.snapshot.entries_restored"]);
        Assert.Equal("ms", units["grid.silo.snapshot.longest_pause"]);
    }

    [Fact]
    public async Task Batch_durations_are_recorded_while_a_listener_is_on()
    {
        using var metrics = new GridMeterListener();
        await fixture.Cache.SetStringAsync("metrics:duration", "v");

        await Poll.UntilAsync(() => Task.FromResult(metrics.Recorded("grid.silo.batch.duration").Count > 0), Deadline, "a batch duration was recorded");
        Assert.All(metrics.Recorded("grid.silo.batch.duration"), ms => Assert.InRange(ms, 0, 30_000));
    }

    [Fact]
    public async Task Expirations_and_tag_index_sizes_show_up_as_the_silos_get_to_them()
    {
        using var metrics = new GridMeterListener();

        // Counted on this cluster's silos (the process-wide instrument also sums other test clusters' silos, which come
        // and go while this test runs, so its total may drop meanwhile).
        long expirationsBefore = await ExpirationsAsync();
        for (int i = 0; i < 10; i++)
        {
            await fixture.Cache.SetStringAsync($"metrics:ttl:{i}", "v", GridEntryOptions.WithTimeToLive(TimeSpan.FromMilliseconds(50)));
            await fixture.Cache.SetStringAsync($"metrics:indexed:{i}", "v", new GridEntryOptions { Tags = ["metrics-index-size"] });
        }

        // The sweep removes expired entries within a few intervals; index shards publish their size within 5 s.
        await Poll.UntilAsync(async () => await ExpirationsAsync() - expirationsBefore >= 10, Deadline, "10 expirations are counted");
        Assert.True(metrics.Observe("grid.silo.expirations") >= 10);
        await Poll.UntilAsync(() => Task.FromResult(metrics.Observe("grid.silo.tags.index_keys") >= 10), Deadline, "the tag index holds 10 keys");
        Assert.True(metrics.Observe("grid.silo.tags.index_shards") >= 1);
        Assert.True(metrics.Observe("grid.silo.tags.tags") >= 1);
        Assert.True(metrics.Observe("grid.silo.tags.index_bytes") > 0);
    }

    [Fact]
    public async Task Near_cache_tracking_and_pushed_invalidations_are_counted_by_cause()
    {
        using var metrics = new GridMeterListener();
        await using var reader = await fixture.ConnectAsync(new GridClientOptions());
        await fixture.Cache.SetStringAsync("metrics:tracked", "v1");
        Assert.Equal("v1", await reader.GetStringAsync("metrics:tracked"));
        Assert.True(metrics.Observe("grid.silo.near_cache.clients") >= 1);
        Assert.True(metrics.Observe("grid.silo.near_cache.tracked_keys") >= 1);
        var writtenBefore = metrics.ObserveBySource("grid.silo.near_cache.invalidations", ("cause", "written"));

        await fixture.Cache.SetStringAsync("metrics:tracked", "v2");

        Assert.True(GridMeterListener.Growth(writtenBefore, metrics.ObserveBySource("grid.silo.near_cache.invalidations", ("cause", "written"))) >= 1);
    }

    private async Task<long> ExpirationsAsync()
    {
        long total = 0;
        foreach (var silo in await fixture.Cache.GetSiloStatisticsAsync())
        {
            total += silo.Expirations;
        }

        return total;
    }
}
