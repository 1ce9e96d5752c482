using System.Collections.Concurrent;
using Grid.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CachePatternTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Write_through_writes_the_store_then_the_cache_and_reads_through()
    {
        var store = new MemoryStore();
        var prefix = Guid.NewGuid().ToString("N");
        var cache = new WriteThroughCache<int, string>(fixture.Cache, store, id => $"wt:{prefix}:{id}");
        await cache.SetAsync(1, "one");
        Assert.Equal("one", store.Records[1]);
        Assert.Equal("one", await fixture.Cache.GetAsync<string>($"wt:{prefix}:1"));

        store.Records[2] = "from-store";
        Assert.Equal("from-store", await cache.GetAsync(2));
        Assert.Equal("from-store", await fixture.Cache.GetAsync<string>($"wt:{prefix}:2"));

        await cache.RemoveAsync(1);
        Assert.False(store.Records.ContainsKey(1));
        Assert.False(await fixture.Cache.ExistsAsync($"wt:{prefix}:1"));
    }

    [Fact]
    public async Task Write_through_leaves_no_cached_value_when_the_store_write_fails()
    {
        var store = new MemoryStore();
        var prefix = Guid.NewGuid().ToString("N");
        var cache = new WriteThroughCache<int, string>(fixture.Cache, store, id => $"wtfail:{prefix}:{id}");
        await cache.SetAsync(7, "v1");
        store.FailNext = 1;
        await Assert.ThrowsAsync<IOException>(async () => await cache.SetAsync(7, "v2"));
        Assert.Equal("v1", store.Records[7]);
        Assert.False(await fixture.Cache.ExistsAsync($"wtfail:{prefix}:7"));
        Assert.Equal("v1", await cache.GetAsync(7));
    }

    [Fact]
    public async Task Write_behind_saves_every_write_in_batches_despite_store_failures()
    {
        var store = new MemoryStore { FailNext = 3 };
        var prefix = Guid.NewGuid().ToString("N");
        var writeBehind = new WriteBehindCache<int, string>(fixture.Cache, store, id => $"wb:{prefix}:{id}",
            new WriteBehindOptions { BatchSize = 50, RetryDelay = TimeSpan.FromMilliseconds(10) });
        for (int i = 0; i < 500; i++)
        {
            await writeBehind.SetAsync(i % 200, $"v{i}");
        }

        Assert.Equal("v499", await fixture.Cache.GetAsync<string>($"wb:{prefix}:99"));
        await writeBehind.DisposeAsync();
        Assert.Equal(200, store.Records.Count);
        for (int id = 0; id < 200; id++)
        {
            // The last write of id is i = id + 400 (ids below 100) or id + 200 (the rest).
            Assert.Equal($"v{(id < 100 ? id + 400 : id + 200)}", store.Records[id]);
        }

        Assert.True(store.Calls < 500, $"{store.Calls} store calls: writes were not batched");
        Assert.Equal(0, writeBehind.Pending);
    }

    [Fact]
    public async Task Write_behind_queue_is_bounded_and_writers_wait()
    {
        var store = new MemoryStore { Delay = TimeSpan.FromMilliseconds(50) };
        var writeBehind = new WriteBehindCache<int, string>(fixture.Cache, store, id => $"wbbound:{Guid.NewGuid():N}:{id}",
            new WriteBehindOptions { Capacity = 5, BatchSize = 5, MaxDelay = TimeSpan.Zero });
        long maxPending = 0;
        for (int i = 0; i < 40; i++)
        {
            await writeBehind.SetAsync(i, "v");
            maxPending = Math.Max(maxPending, writeBehind.Pending);
        }

        await writeBehind.DisposeAsync();
        Assert.InRange(maxPending, 1, 5 + 5 + 1);
        Assert.Equal(40, store.Records.Count);
    }

    [Fact]
    public async Task Write_behind_registered_in_a_host_loses_no_write_on_graceful_shutdown()
    {
        var store = new MemoryStore { Delay = TimeSpan.FromMilliseconds(20) };
        var prefix = Guid.NewGuid().ToString("N");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IGridCache>(fixture.Cache);
        builder.Services.AddSingleton<ICacheStore<int, string>>(store);
        builder.Services.AddGridWriteBehind<int, string>(id => $"wbhost:{prefix}:{id}", o => o.BatchSize = 10);
        using var host = builder.Build();
        await host.StartAsync();
        var writeBehind = host.Services.GetRequiredService<WriteBehindCache<int, string>>();
        for (int i = 0; i < 1000; i++)
        {
            await writeBehind.SetAsync(i, $"v{i}");
        }

        Assert.True(writeBehind.Pending > 0, "the store kept up: the test proves nothing");
        await host.StopAsync();
        Assert.Equal(1000, store.Records.Count);
        Assert.Equal("v999", store.Records[999]);
    }

    private sealed class MemoryStore : ICacheStore<int, string>
    {
        public ConcurrentDictionary<int, string> Records { get; } = new();

        public int FailNext { get; set; }

        public TimeSpan Delay { get; set; }

        public int Calls;

        public ValueTask<string?> LoadAsync(int key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Records.TryGetValue(key, out var value) ? value : null);

        public async ValueTask SaveAsync(IReadOnlyList<KeyValuePair<int, string>> records, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (FailNext > 0)
            {
                FailNext--;
                throw new IOException("store unavailable");
            }

            foreach (var (key, value) in records)
            {
                Records[key] = value;
            }
        }

        public ValueTask DeleteAsync(int key, CancellationToken cancellationToken)
        {
            Records.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }
    }
}
