using Grid.Client;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class GetOrSetTests(ClusterFixture fixture)
{
    private static string Key(string name) => $"getorset:{name}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Hundred_concurrent_callers_run_the_factory_once()
    {
        using var cache = await fixture.ConnectAsync(new GridClientOptions());
        var key = Key("stampede");
        int runs = 0;
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => cache.GetOrSetAsync(key, async ct =>
        {
            Interlocked.Increment(ref runs);
            await Task.Delay(100, ct);
            return 42;
        }).AsTask()));
        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal(42, r));
        Assert.Equal(42, await cache.GetOrSetAsync<int>(key, _ => throw new InvalidOperationException("cached: must not run")));
    }

    [Fact]
    public async Task Cluster_wide_option_runs_the_factory_once_across_clients()
    {
        using var first = await fixture.ConnectAsync(new GridClientOptions());
        using var second = await fixture.ConnectAsync(new GridClientOptions());
        var key = Key("cluster");
        int runs = 0;
        var options = new GridGetOrSetOptions { ClusterWide = true };
        Func<CancellationToken, ValueTask<string>> factory = async ct =>
        {
            Interlocked.Increment(ref runs);
            await Task.Delay(300, ct);
            return "value";
        };
        var calls = Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? first : second).GetOrSetAsync(key, factory, options).AsTask());
        var results = await Task.WhenAll(calls);
        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal("value", r));
    }

    [Fact]
    public async Task Fail_safe_returns_the_stale_value_when_the_factory_fails()
    {
        var key = Key("failsafe");
        var options = new GridGetOrSetOptions { FailSafe = true, Entry = GridEntryOptions.WithTimeToLive(TimeSpan.FromMilliseconds(200)) };
        Assert.Equal("first", await fixture.Cache.GetOrSetAsync(key, _ => ValueTask.FromResult("first"), options));
        await Task.Delay(300); // past the logical expiry; the entry is kept for the fail-safe window

        Assert.Equal("first", await fixture.Cache.GetOrSetAsync<string>(key, _ => throw new InvalidOperationException("database down"), options));
        Assert.Equal("second", await fixture.Cache.GetOrSetAsync(key, _ => ValueTask.FromResult("second"), options));
    }

    [Fact]
    public async Task Without_a_stale_value_a_failing_factory_fails_the_call_and_caches_nothing()
    {
        var key = Key("nostale");
        var options = new GridGetOrSetOptions { FailSafe = true };
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await fixture.Cache.GetOrSetAsync<string>(key, _ => throw new InvalidOperationException("down"), options));
        Assert.False(await fixture.Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Soft_timeout_returns_the_stale_value_and_refreshes_in_the_background()
    {
        var key = Key("soft");
        // The refreshed value lives 600 ms: long enough for the poll below to see it on a busy machine.
        var options = new GridGetOrSetOptions { FailSafe = true, SoftTimeout = TimeSpan.FromMilliseconds(100), Entry = GridEntryOptions.WithTimeToLive(TimeSpan.FromMilliseconds(600)) };
        await fixture.Cache.GetOrSetAsync(key, _ => ValueTask.FromResult("old"), options);
        await Task.Delay(700);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var value = await fixture.Cache.GetOrSetAsync(key, async ct =>
        {
            await Task.Delay(1500, ct);
            return "new";
        }, options);
        Assert.Equal("old", value);
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(1200), $"took {watch.Elapsed}");
        await Poll.UntilAsync(async () => await fixture.Cache.GetOrSetAsync<string>(key, _ => ValueTask.FromResult("unexpected"), options with { Entry = null }) == "new",
            TimeSpan.FromSeconds(10), "the background refresh wrote the new value");
    }

    [Fact]
    public async Task Hard_timeout_cancels_the_factory_and_fails()
    {
        var key = Key("hard");
        bool cancelled = false;
        var options = new GridGetOrSetOptions { HardTimeout = TimeSpan.FromMilliseconds(200) };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(async () => await fixture.Cache.GetOrSetAsync(key, async ct =>
        {
            try
            {
                await Task.Delay(10_000, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }

            return "late";
        }, options));
        Assert.True(cancelled);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.False(await fixture.Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Bad_options_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await fixture.Cache.GetOrSetAsync<int>(Key("null"), null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await fixture.Cache.GetOrSetAsync(Key("bad"), _ => ValueTask.FromResult(1),
            new GridGetOrSetOptions { SoftTimeout = TimeSpan.FromSeconds(2), HardTimeout = TimeSpan.FromSeconds(1) }));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await fixture.Cache.GetOrSetAsync(Key("bad"), _ => ValueTask.FromResult(1),
            new GridGetOrSetOptions { Entry = new GridEntryOptions { When = SetCondition.NotExists } }));
    }
}
