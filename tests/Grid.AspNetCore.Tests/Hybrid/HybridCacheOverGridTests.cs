using Grid.AspNetCore.Tests.Infrastructure;
using Grid.Client;
using Grid.Extensions.Caching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.AspNetCore.Tests.Hybrid;

/// <summary>
/// HybridCache with the grid as its L2 (<c>AddGridDistributedCache</c> + <c>AddHybridCache</c>), two instances in two
/// hosts, each with its own grid client (own Orleans client and near cache) on a two-silo grid.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class HybridCacheOverGridTests(GridSilosFixture grid)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>The supported setup: HybridCache's own L1 off, the grid client's coherent near cache serves as L1.</summary>
    private static void NoLocalCache(HybridCacheOptions options) =>
        options.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5), Flags = HybridCacheEntryFlags.DisableLocalCache };

    [Fact]
    public async Task Two_HybridCache_instances_on_different_grid_clients_share_entries()
    {
        await using var a = await StartAsync(NoLocalCache);
        await using var b = await StartAsync(NoLocalCache);
        string key = Key(), tag = Key();

        Assert.Equal("from a", await a.ReadAsync(key, "from a", tag));
        await WaitUntilStoredAsync(a, key);
        Assert.Equal("from a", await b.ReadAsync(key, "from b", tag));

        Assert.Equal(1, a.FactoryRuns);
        Assert.Equal(0, b.FactoryRuns);
    }

    [Fact]
    public async Task RemoveByTag_on_one_instance_makes_the_other_instances_next_read_run_its_factory()
    {
        await using var a = await StartAsync(NoLocalCache);
        await using var b = await StartAsync(NoLocalCache);
        string key = Key(), tag = Key();
        await a.ReadAsync(key, "v1", tag);
        await WaitUntilStoredAsync(a, key);
        Assert.Equal("v1", await b.ReadAsync(key, "unused", tag));   // b has now read (and keeps) the tag's invalidation time

        await a.Cache.RemoveByTagAsync(tag);

        Assert.Null(await a.Grid.GetAsync("dc:" + key, GridReadOptions.SkipNearCache));   // gone from the grid at once
        await Poll.UntilAsync(async () => await b.ReadAsync(key, "v2", tag) == "v2", Deadline, "b ran its factory");
        Assert.Equal(1, b.FactoryRuns);
    }

    [Fact]
    public async Task Without_tag_forwarding_the_other_instance_keeps_serving_an_entry_removed_by_tag()
    {
        // Why the adapter forwards tags: HybridCache alone records the removal as a timestamp in L2, but an instance
        // that already read the tag's timestamp never reads it again, so it keeps accepting the old L2 entry.
        await using var a = await StartAsync(NoLocalCache, o => o.HybridCacheTags = false);
        await using var b = await StartAsync(NoLocalCache, o => o.HybridCacheTags = false);
        string key = Key(), tag = Key();
        await a.ReadAsync(key, "v1", tag);
        await WaitUntilStoredAsync(a, key);
        Assert.Equal("v1", await b.ReadAsync(key, "unused", tag));

        await a.Cache.RemoveByTagAsync(tag);

        Assert.NotNull(await a.Grid.GetAsync("dc:" + key, GridReadOptions.SkipNearCache));   // the old entry is still in L2
        Assert.Equal("v1", await b.ReadAsync(key, "v2", tag));                                // and b still accepts it
        Assert.Equal(0, b.FactoryRuns);
        Assert.Equal("v2", await a.ReadAsync(key, "v2", tag));                                // only a knows
    }

    [Fact]
    public async Task RemoveByTag_of_the_wildcard_reaches_the_other_instance()
    {
        await using var a = await StartAsync(NoLocalCache);
        await using var b = await StartAsync(NoLocalCache);
        string key = Key();
        await a.ReadAsync(key, "v1");
        await WaitUntilStoredAsync(a, key);
        Assert.Equal("v1", await b.ReadAsync(key, "unused"));

        await a.Cache.RemoveByTagAsync("*");

        await Poll.UntilAsync(async () => await b.ReadAsync(key, "v2") == "v2", Deadline, "b ran its factory");
    }

    [Fact]
    public async Task With_HybridCache_local_cache_on_the_other_instance_follows_once_its_local_copy_expires()
    {
        // The other supported setup: HybridCache's L1 kept, with a short LocalCacheExpiration bounding staleness.
        static void ShortLocal(HybridCacheOptions o) =>
            o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5), LocalCacheExpiration = TimeSpan.FromSeconds(1) };
        await using var a = await StartAsync(ShortLocal);
        await using var b = await StartAsync(ShortLocal);
        string key = Key(), tag = Key();
        await a.ReadAsync(key, "v1", tag);
        await WaitUntilStoredAsync(a, key);
        Assert.Equal("v1", await b.ReadAsync(key, "unused", tag));

        await a.Cache.RemoveByTagAsync(tag);

        await Poll.UntilAsync(async () => await b.ReadAsync(key, "v2", tag) == "v2", Deadline, "b's local copy expired and b ran its factory");
    }

    [Fact]
    public async Task HybridCache_tags_are_grid_tags_under_the_prefix()
    {
        await using var a = await StartAsync(NoLocalCache);
        await using var b = await StartAsync(NoLocalCache);
        string key = Key(), tag = Key();
        await a.ReadAsync(key, "v1", tag);
        await WaitUntilStoredAsync(a, key);

        Assert.Equal(1, await a.Grid.InvalidateTagAsync("hc:" + tag));

        await Poll.UntilAsync(async () => await b.ReadAsync(key, "v2", tag) == "v2", Deadline, "b ran its factory");
    }

    [Fact]
    public async Task An_entry_with_more_tags_than_the_grid_carries_is_not_stored()
    {
        await using var a = await StartAsync(NoLocalCache);
        string key = Key();
        await a.Grid.SetStringAsync("dc:" + key, "older value");

        await a.Cache.SetAsync(key, "v", tags: [.. Enumerable.Range(0, 32).Select(i => $"t{i}")]);

        Assert.Null(await a.Grid.GetAsync("dc:" + key, GridReadOptions.SkipNearCache));
    }

    private static string Key() => Guid.NewGuid().ToString("N");

    private static Task WaitUntilStoredAsync(Instance instance, string key) =>
        Poll.UntilAsync(async () => await instance.Grid.GetAsync("dc:" + key, GridReadOptions.SkipNearCache) is not null, Deadline, "the L2 entry was written");

    private async Task<Instance> StartAsync(Action<HybridCacheOptions> hybrid, Action<GridDistributedCacheOptions>? adapter = null)
    {
        var host = await grid.StartClientHostAsync(services =>
        {
            services.AddGridDistributedCache(adapter);
            services.AddHybridCache(hybrid);
        });
        return new Instance(host);
    }

    private sealed class Instance(ClientHost host) : IAsyncDisposable
    {
        private int _factoryRuns;

        public HybridCache Cache { get; } = host.Services.GetRequiredService<HybridCache>();

        public IGridCache Grid { get; } = host.Services.GetRequiredService<IGridCache>();

        public int FactoryRuns => Volatile.Read(ref _factoryRuns);

        /// <summary>GetOrCreate whose factory returns <paramref name="valueIfRun"/> and counts its runs.</summary>
        public async Task<string> ReadAsync(string key, string valueIfRun, params string[] tags) =>
            await Cache.GetOrCreateAsync(key, _ =>
            {
                Interlocked.Increment(ref _factoryRuns);
                return ValueTask.FromResult(valueIfRun);
            }, tags: tags);

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}
