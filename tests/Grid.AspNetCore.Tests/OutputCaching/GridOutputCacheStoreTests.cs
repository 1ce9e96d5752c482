using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Grid.AspNetCore.Tests.Edge;
using Grid.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.AspNetCore.Tests.OutputCaching;

/// <summary>The output-cache store on a two-silo grid, used by two hosts with their own grid clients.</summary>
[Collection(GridCollection.Name)]
public sealed class GridOutputCacheStoreTests(GridSilosFixture grid)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_entry_stored_by_one_instance_is_read_by_another_and_evicted_by_tag_everywhere()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        var (storeA, storeB) = (Store(a), Store(b));
        string key = Key(), tag = Key();
        byte[] value = Encoding.UTF8.GetBytes("response");

        await storeA.SetAsync(key, value, [tag, "other"], TimeSpan.FromMinutes(1), default);
        Assert.Equal(value, await storeB.GetAsync(key, default));
        Assert.Equal(value, await storeA.GetAsync(key, default));   // now in a's near cache too

        await storeB.EvictByTagAsync(tag, default);

        Assert.Null(await storeB.GetAsync(key, default));
        await Poll.UntilAsync(async () => await storeA.GetAsync(key, default) is null, Deadline, "the eviction reached a");
    }

    [Fact]
    public async Task A_key_longer_than_the_grids_is_stored_under_its_hash_and_a_value_too_large_is_skipped()
    {
        // A policy that varies by a long header made every request miss and log an error (the key was over MaxKeyBytes).
        await using var a = await StartAsync();
        var store = Store(a);
        string key = Key() + new string('k', 9_000);
        byte[] value = Encoding.UTF8.GetBytes("response");
        await store.SetAsync(key, value, null, TimeSpan.FromMinutes(1), default);
        Assert.Equal(value, await store.GetAsync(key, default));
        Assert.Null(await store.GetAsync(key + "x", default));

        // A response over MaxValueBytes is not stored, and nothing is thrown at the output-cache middleware.
        string large = Key();
        await store.SetAsync(large, new byte[(8 * 1024 * 1024) + 1], null, TimeSpan.FromMinutes(1), default);
        Assert.Null(await store.GetAsync(large, default));
    }

    [Fact]
    public async Task An_entry_is_gone_once_its_validity_ends()
    {
        await using var a = await StartAsync();
        string key = Key();

        await Store(a).SetAsync(key, [1, 2, 3], null, TimeSpan.FromSeconds(1), default);

        Assert.NotNull(await Store(a).GetAsync(key, default));
        await Poll.UntilAsync(async () => await Store(a).GetAsync(key, default) is null, Deadline, "the entry expired");
    }

    [Fact]
    public async Task The_buffer_api_round_trips()
    {
        await using var a = await StartAsync();
        var store = Assert.IsAssignableFrom<IOutputCacheBufferStore>(Store(a));
        string key = Key();
        byte[] value = Encoding.UTF8.GetBytes("buffered response");

        await store.SetAsync(key, new ReadOnlySequence<byte>(value), new[] { Key() }.AsMemory(), TimeSpan.FromMinutes(1), default);
        var pipe = new Pipe();
        Assert.True(await store.TryGetAsync(key, pipe.Writer, default));
        await pipe.Writer.CompleteAsync();
        var read = await pipe.Reader.ReadAsync();

        Assert.Equal(value, read.Buffer.ToArray());
        Assert.False(await store.TryGetAsync(Key(), new Pipe().Writer, default));
    }

    [Fact]
    public async Task An_entry_with_more_tags_than_the_grid_carries_is_not_stored()
    {
        await using var a = await StartAsync();
        string key = Key();

        await Store(a).SetAsync(key, [1], [.. Enumerable.Range(0, 40).Select(i => $"t{i}")], TimeSpan.FromMinutes(1), default);

        Assert.Null(await Store(a).GetAsync(key, default));
    }

    [Fact]
    public async Task AddGridOutputCache_replaces_the_memory_store_whichever_is_registered_first()
    {
        await using var before = await StartAsync(services => services.AddOutputCache().AddGridOutputCache());
        await using var after = await StartAsync(services => services.AddGridOutputCache().AddOutputCache());

        Assert.IsType<GridOutputCacheStore>(Store(before));
        Assert.IsType<GridOutputCacheStore>(Store(after));
    }

    [Fact]
    public async Task Output_cached_responses_are_shared_by_instances_and_evicted_cluster_wide()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string id = Key(), path = $"/output/{id}";

        var first = await Reply.GetAsync(apps.A.Client, path);
        var second = await Reply.GetAsync(apps.B.Client, path);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal((1, 0), (apps.A.Runs(path), apps.B.Runs(path)));

        await apps.B.App.Services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync("out-" + id, default);

        await Poll.UntilAsync(async () => (await Reply.GetAsync(apps.A.Client, path)).Body.EndsWith("run 2", StringComparison.Ordinal), Deadline, "a ran the endpoint again");
    }

    private static string Key() => Guid.NewGuid().ToString("N");

    private static IOutputCacheStore Store(ClientHost host) => host.Services.GetRequiredService<IOutputCacheStore>();

    private Task<ClientHost> StartAsync(Action<IServiceCollection>? configure = null) =>
        grid.StartClientHostAsync(configure ?? (services => services.AddGridOutputCache()));
}
