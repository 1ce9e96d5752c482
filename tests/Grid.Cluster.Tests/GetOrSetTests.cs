using Grid.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

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
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = await ConnectOnClockAsync(time);
        var key = Key("failsafe");
        var options = new GridGetOrSetOptions { FailSafe = true, Entry = GridEntryOptions.WithTimeToLive(TimeSpan.FromMilliseconds(200)) };
        Assert.Equal("first", await cache.GetOrSetAsync(key, _ => ValueTask.FromResult("first"), options));
        time.Advance(TimeSpan.FromMilliseconds(300)); // past the logical expiry; the entry is kept for the fail-safe window

        Assert.Equal("first", await cache.GetOrSetAsync<string>(key, _ => throw new InvalidOperationException("database down"), options));
        Assert.Equal("second", await cache.GetOrSetAsync(key, _ => ValueTask.FromResult("second"), options));
    }

    [Fact]
    public async Task Hard_timeout_holds_for_a_factory_that_ignores_its_token_and_its_late_value_is_not_cached()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = await ConnectOnClockAsync(time);
        var key = Key("hard-ignored");
        var release = new TaskCompletionSource();   // continuations inline: the factory's return runs to its end in SetResult
        var options = new GridGetOrSetOptions { HardTimeout = TimeSpan.FromMilliseconds(500) };

        var call = cache.GetOrSetAsync(key, async _ => { await release.Task; return "late"; }, options).AsTask();
        await AdvanceUntilAsync(time, call, "the caller was answered at the hard timeout");

        await Assert.ThrowsAsync<TimeoutException>(() => call);
        release.SetResult();
        Assert.False(await cache.ExistsAsync(key));
    }

    [Fact]
    public async Task GetOrSet_of_a_key_from_inside_its_own_factory_is_refused_instead_of_waiting_for_itself()
    {
        var key = Key("reentrant");
        var other = Key("reentrant-other");
        var call = fixture.Cache.GetOrSetAsync(key, async _ =>
        {
            // Another key from inside a factory is fine; the same key would join this very factory's flight.
            Assert.Equal("o", await fixture.Cache.GetOrSetAsync(other, _ => ValueTask.FromResult("o")));
            return await fixture.Cache.GetOrSetAsync(key, _ => ValueTask.FromResult("inner"));
        }).AsTask();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("from inside that key's own factory", error.Message, StringComparison.Ordinal);
        Assert.False(await fixture.Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Fail_safe_with_a_time_to_live_at_the_clusters_limit_keeps_the_entry_within_the_limit()
    {
        // It was refused, quoting a time to live of the limit plus FailSafeMaxDuration that the caller never gave.
        var key = Key("failsafe-max");
        var max = fixture.Cache.Limits.MaxTimeToLive;
        var options = new GridGetOrSetOptions { FailSafe = true, Entry = GridEntryOptions.WithTimeToLive(max) };

        Assert.Equal("value", await fixture.Cache.GetOrSetAsync(key, _ => ValueTask.FromResult("value"), options));

        var ttl = await fixture.Cache.GetTimeToLiveAsync(key);
        Assert.True(ttl.Remaining is { } left && left <= max && left > max - TimeSpan.FromMinutes(1), $"time to live {ttl}");
    }

    [Fact]
    public async Task A_fail_safe_entry_read_the_plain_way_fails_with_a_grid_error_that_says_how_to_read_it()
    {
        var key = Key("failsafe-plain");
        var options = new GridGetOrSetOptions { FailSafe = true, Entry = GridEntryOptions.WithTimeToLive(TimeSpan.FromMinutes(5)) };
        Assert.Equal("value", await fixture.Cache.GetOrSetAsync(key, _ => ValueTask.FromResult("value"), options));

        // The stored value has a header before the JSON: the serializer's own error would be "'0xF5' is an invalid start".
        var error = await Assert.ThrowsAsync<GridException>(async () => await fixture.Cache.GetAsync<string>(key));
        Assert.Contains("read it through GetOrSetAsync with the same options", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
        Assert.Equal("value", await fixture.Cache.GetOrSetAsync(key, _ => ValueTask.FromResult("other"), options));

        // Through GetOrSetAsync without FailSafe, the header is read as such too (it threw the serializer's error).
        Assert.Equal("value", await fixture.Cache.GetOrSetAsync(key, _ => ValueTask.FromResult("other")));
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
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = await ConnectOnClockAsync(time);
        var key = Key("soft");
        var options = new GridGetOrSetOptions { FailSafe = true, SoftTimeout = TimeSpan.FromMilliseconds(100), Entry = GridEntryOptions.WithTimeToLive(TimeSpan.FromMilliseconds(600)) };
        await cache.GetOrSetAsync(key, _ => ValueTask.FromResult("old"), options);
        time.Advance(TimeSpan.FromMilliseconds(700));

        // The factory finishes only when the test says: "old" can only come from the soft timeout.
        var factoryResult = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = cache.GetOrSetAsync(key, _ => new ValueTask<string>(factoryResult.Task), options).AsTask();
        await AdvanceUntilAsync(time, call, "the soft timeout answered with the stale value");
        Assert.Equal("old", await call);

        // While the refresh runs in the background, another caller gets the stale value too: no second factory run.
        int secondRuns = 0;
        ValueTask<string> Second(CancellationToken _)
        {
            Interlocked.Increment(ref secondRuns);
            return ValueTask.FromResult("unexpected");
        }

        Assert.Equal("old", await cache.GetOrSetAsync(key, Second, options));
        factoryResult.SetResult("new");
        await Poll.UntilAsync(async () => await cache.GetOrSetAsync(key, Second, options with { Entry = null }) == "new",
            TimeSpan.FromSeconds(10), "the background refresh wrote the new value");
        Assert.Equal(0, secondRuns);
    }

    [Fact]
    public async Task A_background_refresh_past_the_soft_timeout_is_still_cancelled_at_the_hard_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = await ConnectOnClockAsync(time);
        var key = Key("soft-then-hard");
        var options = new GridGetOrSetOptions
        {
            FailSafe = true,
            SoftTimeout = TimeSpan.FromMilliseconds(100),
            HardTimeout = TimeSpan.FromMilliseconds(1000),
            Entry = GridEntryOptions.WithTimeToLive(TimeSpan.FromMilliseconds(600)),
        };
        await cache.GetOrSetAsync(key, _ => ValueTask.FromResult("old"), options);
        time.Advance(TimeSpan.FromMilliseconds(700));

        // A factory that never ends on its own: only the hard timeout's token can stop it.
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = cache.GetOrSetAsync(key, async ct =>
        {
            using var registration = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        }, options).AsTask();
        await AdvanceUntilAsync(time, call, "the soft timeout answered with the stale value");
        Assert.Equal("old", await call);

        // The caller has its answer; the factory goes on in the background until the hard timeout (1 s) cancels it.
        await AdvanceUntilAsync(time, cancelled.Task, "the hard timeout cancelled the background factory");
    }

    [Fact]
    public async Task Hard_timeout_cancels_the_factory_and_fails()
    {
        var key = Key("hard");
        bool cancelled = false;
        var options = new GridGetOrSetOptions { HardTimeout = TimeSpan.FromMilliseconds(200) };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = await ConnectOnClockAsync(time);
        var call = cache.GetOrSetAsync(key, async ct =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }

            return "late";
        }, options).AsTask();
        await AdvanceUntilAsync(time, call, "the hard timeout cancelled the factory");
        await Assert.ThrowsAsync<TimeoutException>(() => call);

        // The caller is answered at the hard timeout, not when the factory has seen its token: it may be a moment later.
        var bound = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Volatile.Read(ref cancelled))
        {
            Assert.True(DateTime.UtcNow < bound, "the factory's token was never cancelled");
            await Task.Delay(10);
        }

        Assert.False(await cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Refresh_ahead_runs_one_factory_for_the_cluster_and_no_reader_waits_or_misses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var caches = new GridCache[4];
        for (int i = 0; i < caches.Length; i++)
        {
            caches[i] = await ConnectOnClockAsync(time, nearCache: true);
        }

        try
        {
            var key = Key("refresh-ahead");
            var options = new GridGetOrSetOptions { RefreshAhead = 0.5, Entry = GridEntryOptions.WithTimeToLive(TimeSpan.FromMinutes(10)) };
            Assert.Equal("v1", await caches[0].GetOrSetAsync(key, _ => ValueTask.FromResult("v1"), options));
            time.Advance(TimeSpan.FromMinutes(6)); // past the refresh point (5 min), well before the expiry (10 min)

            // The refresh's factory cannot finish until the test says so: reads that complete meanwhile did not wait for it.
            var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            int runs = 0;
            Func<CancellationToken, ValueTask<string>> factory = _ =>
            {
                Interlocked.Increment(ref runs);
                return new ValueTask<string>(release.Task);
            };

            // 4 clients x 50 readers, 20 reads each.
            var readers = new List<Task<string?[]>>();
            foreach (var cache in caches)
            {
                for (int r = 0; r < 50; r++)
                {
                    readers.Add(Task.Run(async () =>
                    {
                        var seen = new string?[20];
                        for (int j = 0; j < seen.Length; j++)
                        {
                            seen[j] = await cache.GetOrSetAsync(key, factory, options);
                        }

                        return seen;
                    }));
                }
            }

            var reads = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.All(reads.SelectMany(seen => seen), value => Assert.Equal("v1", value));
            await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref runs) == 1), TimeSpan.FromSeconds(10), "one client started the refresh");

            release.SetResult("v2");
            foreach (var cache in caches)
            {
                await Poll.UntilAsync(async () => await cache.GetOrSetAsync(key, factory, options) == "v2",
                    TimeSpan.FromSeconds(10), "every client (near cache on) reads the refreshed value");
            }

            Assert.Equal(1, Volatile.Read(ref runs));
        }
        finally
        {
            foreach (var cache in caches)
            {
                cache.Dispose();
            }
        }
    }

    /// <summary>A cache whose GetOrSet timing (logical expiry, soft and hard timeouts) runs on <paramref name="time"/>.</summary>
    private async Task<GridCache> ConnectOnClockAsync(FakeTimeProvider time, bool nearCache = false)
    {
        var cache = new GridCache(fixture.Cluster.Client, new GridClientOptions { NearCache = { Enabled = nearCache } }, new SystemTextJsonGridSerializer(), NullLogger.Instance, timeProvider: time);
        await cache.ConnectAsync();
        return cache;
    }

    /// <summary>
    /// Moves the fake clock on in small steps until <paramref name="call"/> ends: its timer is set only after a few
    /// grid round trips, so one step taken too early would not fire it. Real time only bounds the wait.
    /// </summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Task call, string what)
    {
        var bound = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!call.IsCompleted)
        {
            if (DateTime.UtcNow > bound)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(call, Task.Delay(10));
        }
    }

    [Fact]
    public async Task Bad_options_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await fixture.Cache.GetOrSetAsync<int>(Key("null"), null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await fixture.Cache.GetOrSetAsync(Key("bad"), _ => ValueTask.FromResult(1),
            new GridGetOrSetOptions { SoftTimeout = TimeSpan.FromSeconds(2), HardTimeout = TimeSpan.FromSeconds(1) }));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await fixture.Cache.GetOrSetAsync(Key("bad"), _ => ValueTask.FromResult(1),
            new GridGetOrSetOptions { Entry = new GridEntryOptions { When = SetCondition.NotExists } }));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await fixture.Cache.GetOrSetAsync(Key("bad"), _ => ValueTask.FromResult(1),
            new GridGetOrSetOptions { RefreshAhead = 0.8 }));
    }
}
