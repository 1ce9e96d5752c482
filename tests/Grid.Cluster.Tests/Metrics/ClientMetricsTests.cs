using Grid.Client;

namespace Grid.Cluster.Tests.Metrics;

[Collection(ClusterCollection.Name)]
public sealed class ClientMetricsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Client_instruments_count_operations_hits_and_misses_per_level_and_record_durations()
    {
        using var metrics = new GridMeterListener();
        await using var cache = await fixture.ConnectAsync(new GridClientOptions());
        var l1HitsBefore = metrics.ObserveBySource("grid.client.hits", ("level", "l1"));
        var gridHitsBefore = metrics.ObserveBySource("grid.client.hits", ("level", "grid"));
        var gridMissesBefore = metrics.ObserveBySource("grid.client.misses", ("level", "grid"));
        var setsBefore = metrics.ObserveBySource("grid.client.operations", ("operation", "set"), ("outcome", "ok"));

        await cache.SetStringAsync("metrics:client:own", "v");
        await fixture.Cache.SetStringAsync("metrics:client", "v");        // another client's write: the next read goes to the grid
        Assert.Equal("v", await cache.GetStringAsync("metrics:client"));   // grid hit, kept in the near cache
        Assert.Equal("v", await cache.GetStringAsync("metrics:client"));   // near-cache hit
        Assert.Null(await cache.GetStringAsync("metrics:client:missing"));

        Assert.True(GridMeterListener.Growth(l1HitsBefore, metrics.ObserveBySource("grid.client.hits", ("level", "l1"))) >= 1);
        Assert.True(GridMeterListener.Growth(gridHitsBefore, metrics.ObserveBySource("grid.client.hits", ("level", "grid"))) >= 1);
        Assert.True(GridMeterListener.Growth(gridMissesBefore, metrics.ObserveBySource("grid.client.misses", ("level", "grid"))) >= 1);
        Assert.True(GridMeterListener.Growth(setsBefore, metrics.ObserveBySource("grid.client.operations", ("operation", "set"), ("outcome", "ok"))) >= 1);
        Assert.True(metrics.Observe("grid.client.near_cache.entries") >= 1);
        Assert.True(metrics.Observe("grid.client.near_cache.bytes") >= 1);
        Assert.True(metrics.Observe("grid.client.near_cache.promotions") >= 1);
        Assert.NotEmpty(metrics.Recorded("grid.client.duration", ("operation", "get"), ("level", "l1")));
        Assert.NotEmpty(metrics.Recorded("grid.client.duration", ("operation", "get"), ("level", "grid")));
        Assert.NotEmpty(metrics.Recorded("grid.client.duration", ("operation", "set"), ("level", "grid")));
    }

    [Fact]
    public async Task Errors_are_counted_with_outcome_error()
    {
        using var metrics = new GridMeterListener();
        await fixture.Cache.SetStringAsync("metrics:client:text", "not a number");
        var before = metrics.ObserveBySource("grid.client.operations", ("operation", "increment"), ("outcome", "error"));

        await Assert.ThrowsAnyAsync<GridException>(async () => await fixture.Cache.IncrementAsync("metrics:client:text"));

        // At least: the meter is process-wide, and other test classes may hit errors at the same time.
        Assert.True(GridMeterListener.Growth(before, metrics.ObserveBySource("grid.client.operations", ("operation", "increment"), ("outcome", "error"))) >= 1);
    }

    [Fact]
    public async Task Invalidations_received_by_the_near_cache_are_counted()
    {
        using var metrics = new GridMeterListener();
        await using var reader = await fixture.ConnectAsync(new GridClientOptions());
        await fixture.Cache.SetStringAsync("metrics:client:pushed", "v1");
        Assert.Equal("v1", await reader.GetStringAsync("metrics:client:pushed"));
        var before = metrics.ObserveBySource("grid.client.invalidations", ("kind", "received"));

        await fixture.Cache.SetStringAsync("metrics:client:pushed", "v2");

        await Poll.UntilAsync(() => Task.FromResult(GridMeterListener.Growth(before, metrics.ObserveBySource("grid.client.invalidations", ("kind", "received"))) > 0), TimeSpan.FromSeconds(20), "the push is counted");
    }

    [Fact]
    public async Task The_write_behind_queue_depth_is_a_gauge_of_writes_not_yet_saved()
    {
        using var metrics = new GridMeterListener();
        var store = new BlockingStore();
        var writeBehind = new WriteBehindCache<int, string>(fixture.Cache, store, id => $"metrics:wb:{id}", new WriteBehindOptions { BatchSize = 1 });
        for (int i = 0; i < 5; i++)
        {
            await writeBehind.SetAsync(i, "v");
        }

        Assert.True(metrics.Observe("grid.client.write_behind.queue_depth") >= 4);
        store.Release.SetResult();
        await writeBehind.DisposeAsync();
        Assert.Equal(0, writeBehind.Pending);
    }

    private sealed class BlockingStore : ICacheStore<int, string>
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<string?> LoadAsync(int key, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

        public async ValueTask SaveAsync(IReadOnlyList<KeyValuePair<int, string>> batch, CancellationToken cancellationToken) => await Release.Task;

        public ValueTask DeleteAsync(int key, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
