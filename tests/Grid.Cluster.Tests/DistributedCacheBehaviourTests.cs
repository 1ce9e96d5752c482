using System.Buffers;
using System.Text;
using Grid.Extensions.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Grid.Cluster.Tests;

/// <summary>
/// The same behaviour checks against Microsoft's own distributed cache (MemoryDistributedCache) and the grid's adapter,
/// so "behaves as Microsoft's caches do" is checked, not assumed.
/// </summary>
public abstract class DistributedCacheBehaviourTests
{
    protected abstract IDistributedCache Cache { get; }

    /// <summary>
    /// RedisCache and SqlServerCache refuse an absolute expiration in the past and honour a cancelled token before
    /// doing anything; MemoryDistributedCache does neither. The grid follows the network caches.
    /// </summary>
    protected abstract bool BehavesAsNetworkCaches { get; }

    private static string Key(string name) => $"{name}:{Guid.NewGuid():N}";

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Missing_key_reads_as_null_sync_and_async()
    {
        Assert.Null(Cache.Get(Key("missing")));
        Assert.Null(await Cache.GetAsync(Key("missing")));
    }

    [Fact]
    public async Task Set_then_get_round_trips_sync_and_async()
    {
        var key = Key("set");
        Cache.Set(key, B("sync"), new DistributedCacheEntryOptions());
        Assert.Equal(B("sync"), Cache.Get(key));
        await Cache.SetAsync(key, B("async"), new DistributedCacheEntryOptions());
        Assert.Equal(B("async"), await Cache.GetAsync(key));
    }

    [Fact]
    public void Empty_key_and_empty_value_are_valid()
    {
        Cache.Set("", [], new DistributedCacheEntryOptions());
        Assert.Empty(Cache.Get("")!);
    }

    [Fact]
    public async Task Null_arguments_throw_argument_null_exception()
    {
        var options = new DistributedCacheEntryOptions();
        Assert.Throws<ArgumentNullException>(() => Cache.Get(null!));
        Assert.Throws<ArgumentNullException>(() => Cache.Set(null!, B("v"), options));
        Assert.Throws<ArgumentNullException>(() => Cache.Set("k", (byte[])null!, options));
        Assert.Throws<ArgumentNullException>(() => Cache.Set("k", B("v"), null!));
        Assert.Throws<ArgumentNullException>(() => Cache.Remove(null!));
        Assert.Throws<ArgumentNullException>(() => Cache.Refresh(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Cache.GetAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Cache.SetAsync(null!, B("v"), options));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Cache.RemoveAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Cache.RefreshAsync(null!));
    }

    [Fact]
    public void Absolute_expiration_in_the_past_is_refused()
    {
        if (!BehavesAsNetworkCaches)
        {
            return;
        }

        var key = Key("past");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Cache.Set(key, B("v"), new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(-1) }));
        Assert.Contains("absolute expiration", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null(Cache.Get(key));

        // With a relative expiration too (RedisCache refuses it the same way; the grid used to store it for the relative time).
        Assert.Throws<ArgumentOutOfRangeException>(() => Cache.Set(key, B("v"), new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(-1),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5),
        }));
        Assert.Null(Cache.Get(key));
    }

    [Fact]
    public void Non_positive_relative_and_sliding_expirations_are_refused_by_the_options()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public async Task Relative_expiration_removes_the_entry()
    {
        var key = Key("relative");
        await Cache.SetAsync(key, B("v"), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1) });
        Assert.NotNull(await Cache.GetAsync(key));
        await Poll.UntilAsync(async () => await Cache.GetAsync(key) is null, TimeSpan.FromSeconds(10), "the entry expired");
    }

    [Fact]
    public async Task Absolute_expiration_removes_the_entry()
    {
        var key = Key("absolute");
        await Cache.SetAsync(key, B("v"), new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddSeconds(1) });
        Assert.NotNull(await Cache.GetAsync(key));
        await Poll.UntilAsync(async () => await Cache.GetAsync(key) is null, TimeSpan.FromSeconds(10), "the entry expired");
    }

    [Fact]
    public async Task A_relative_expiration_wins_over_an_absolute_one()
    {
        var key = Key("both");
        await Cache.SetAsync(key, B("v"), new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = DateTimeOffset.UtcNow.AddHours(1),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1),
        });
        Assert.NotNull(await Cache.GetAsync(key));
        await Poll.UntilAsync(async () => await Cache.GetAsync(key) is null, TimeSpan.FromSeconds(10), "the relative expiration ended it");
    }

    [Fact]
    public async Task Refresh_keeps_the_value_and_does_not_create_a_missing_key()
    {
        var key = Key("refresh");
        await Cache.SetAsync(key, B("v"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
        Cache.Refresh(key);
        await Cache.RefreshAsync(key);
        Assert.Equal(B("v"), await Cache.GetAsync(key));

        var missing = Key("refresh-missing");
        await Cache.RefreshAsync(missing);
        Assert.Null(await Cache.GetAsync(missing));
    }

    [Fact]
    public async Task Reads_and_refresh_slide_the_expiration_and_idleness_ends_it()
    {
        var key = Key("sliding");
        var window = TimeSpan.FromSeconds(2);
        await Cache.SetAsync(key, B("v"), new DistributedCacheEntryOptions { SlidingExpiration = window });
        var until = DateTime.UtcNow.AddSeconds(3);
        bool refresh = false;
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(100);
            if (refresh)
            {
                await Cache.RefreshAsync(key);
            }
            else
            {
                Assert.NotNull(await Cache.GetAsync(key));
            }

            refresh = !refresh;
        }

        Assert.NotNull(await Cache.GetAsync(key));

        // Any read would slide it again, so idleness is a wait past the window (and the sweep), then one look.
        await Task.Delay(window * 2);
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Sliding_never_outlives_the_absolute_expiration()
    {
        var key = Key("capped");
        await Cache.SetAsync(key, B("v"), new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromSeconds(30),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(500),
        });
        await Poll.UntilAsync(async () => await Cache.GetAsync(key) is null, TimeSpan.FromSeconds(10), "the absolute expiration ended it despite reads");
    }

    [Fact]
    public async Task Remove_deletes_and_refresh_of_a_missing_key_is_harmless()
    {
        var key = Key("remove");
        await Cache.SetAsync(key, B("v"), new DistributedCacheEntryOptions());
        await Cache.RemoveAsync(key);
        Assert.Null(await Cache.GetAsync(key));
        Cache.Remove(key);
        await Cache.RefreshAsync(key);
        Assert.Null(Cache.Get(key));
    }

    [Fact]
    public async Task Cancelled_token_throws_before_anything_is_written()
    {
        if (!BehavesAsNetworkCaches)
        {
            return;
        }

        var key = Key("cancelled");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache.SetAsync(key, B("v"), new DistributedCacheEntryOptions(), cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache.GetAsync(key, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache.RemoveAsync(key, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache.RefreshAsync(key, cts.Token));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Cancelled_token_throws_in_the_buffer_api_before_anything_is_written()
    {
        if (!BehavesAsNetworkCaches || Cache is not IBufferDistributedCache buffers)
        {
            return;
        }

        var key = Key("buffer-cancelled");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            buffers.SetAsync(key, new ReadOnlySequence<byte>(B("v")), new DistributedCacheEntryOptions(), cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => buffers.TryGetAsync(key, new ArrayBufferWriter<byte>(), cts.Token).AsTask());
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Buffer_api_round_trips()
    {
        if (Cache is not IBufferDistributedCache buffers)
        {
            return; // MemoryDistributedCache has no buffer API
        }

        var key = Key("buffer");
        await buffers.SetAsync(key, new ReadOnlySequence<byte>(B("buffered")), new DistributedCacheEntryOptions());
        var writer = new ArrayBufferWriter<byte>();
        Assert.True(await buffers.TryGetAsync(key, writer));
        Assert.Equal(B("buffered"), writer.WrittenSpan.ToArray());
        Assert.False(buffers.TryGet(Key("absent"), new ArrayBufferWriter<byte>()));
    }
}

/// <summary>The reference: Microsoft's MemoryDistributedCache.</summary>
public sealed class MicrosoftDistributedCacheBehaviourTests : DistributedCacheBehaviourTests
{
    protected override IDistributedCache Cache { get; } = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));

    protected override bool BehavesAsNetworkCaches => false;
}

/// <summary>The grid's adapter on a two-silo cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GridDistributedCacheBehaviourTests(ClusterFixture fixture) : DistributedCacheBehaviourTests
{
    protected override IDistributedCache Cache { get; } = new GridDistributedCache(fixture.Cache, Options.Create(new GridDistributedCacheOptions()));

    protected override bool BehavesAsNetworkCaches => true;
}
