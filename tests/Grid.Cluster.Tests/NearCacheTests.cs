using System.Diagnostics;
using System.Text;
using Grid.Client;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class NearCacheTests(ClusterFixture fixture) : IAsyncLifetime
{
    private GridCache _a = null!;
    private GridCache _b = null!;

    public async Task InitializeAsync()
    {
        _a = await fixture.ConnectAsync(new GridClientOptions());
        _b = await fixture.ConnectAsync(new GridClientOptions());
    }

    public Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        return Task.CompletedTask;
    }

    private static string Key(string name) => $"near:{name}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Second_read_is_served_by_the_near_cache()
    {
        var key = Key("hit");
        await _b.SetStringAsync(key, "v");
        var before = _a.GetStatistics();
        Assert.Equal("v", await _a.GetStringAsync(key));
        Assert.Equal("v", await _a.GetStringAsync(key));
        var after = _a.GetStatistics();
        Assert.Equal(1, after.GridHits - before.GridHits);
        Assert.Equal(1, after.NearCacheHits - before.NearCacheHits);
        Assert.Equal(1, after.Promotions - before.Promotions);
        Assert.True(after.NearCacheEntries >= 1);
    }

    [Fact]
    public async Task Near_cache_hands_out_copies()
    {
        var key = Key("copy");
        await _b.SetStringAsync(key, "abc");
        var first = (await _a.GetAsync(key))!;
        first[0] = (byte)'X';
        Assert.Equal("abc", await _a.GetStringAsync(key));
    }

    [Fact]
    public async Task Write_by_another_client_reaches_the_near_cache()
    {
        var key = Key("set");
        await _b.SetStringAsync(key, "old");
        Assert.Equal("old", await _a.GetStringAsync(key));
        await _b.SetStringAsync(key, "new");
        await Poll.UntilAsync(async () => await _a.GetStringAsync(key) == "new", TimeSpan.FromSeconds(5), "A saw B's write");
    }

    [Fact]
    public async Task Remove_by_another_client_reaches_the_near_cache()
    {
        var key = Key("remove");
        await _b.SetStringAsync(key, "v");
        Assert.Equal("v", await _a.GetStringAsync(key));
        await _b.RemoveAsync(key);
        await Poll.UntilAsync(async () => await _a.GetAsync(key) is null, TimeSpan.FromSeconds(5), "A saw B's remove");
    }

    [Fact]
    public async Task Expiry_set_by_another_client_reaches_the_near_cache()
    {
        var key = Key("expire");
        await _b.SetStringAsync(key, "v");
        Assert.Equal("v", await _a.GetStringAsync(key));
        await _b.ExpireAsync(key, TimeSpan.FromMilliseconds(200));
        await Poll.UntilAsync(async () => await _a.GetAsync(key) is null, TimeSpan.FromSeconds(10), "A saw the key expire");
    }

    [Fact]
    public async Task Tag_invalidation_by_another_client_reaches_the_near_cache()
    {
        var key = Key("tagged");
        var tag = $"near-tag:{Guid.NewGuid():N}";
        await _b.SetStringAsync(key, "v", new GridEntryOptions { Tags = [tag] });
        Assert.Equal("v", await _a.GetStringAsync(key));
        Assert.Equal(1, await _b.InvalidateTagAsync(tag));
        await Poll.UntilAsync(async () => await _a.GetAsync(key) is null, TimeSpan.FromSeconds(5), "A saw the tag invalidation");
    }

    [Fact]
    public async Task Pattern_invalidation_by_another_client_reaches_the_near_cache()
    {
        var prefix = $"near-pattern:{Guid.NewGuid():N}";
        await _b.SetStringAsync(prefix + ":1", "v");
        Assert.Equal("v", await _a.GetStringAsync(prefix + ":1"));
        Assert.Equal(1, await _b.InvalidatePatternAsync(prefix + ":*"));
        await Poll.UntilAsync(async () => await _a.GetAsync(prefix + ":1") is null, TimeSpan.FromSeconds(5), "A saw the pattern invalidation");
    }

    [Fact]
    public async Task Own_tag_and_pattern_invalidations_are_not_read_back_from_the_near_cache()
    {
        var tag = $"near-own-tag:{Guid.NewGuid():N}";
        var prefix = $"near-own-pattern:{Guid.NewGuid():N}";
        await _a.SetStringAsync(prefix + ":tagged", "v", new GridEntryOptions { Tags = [tag] });
        await _a.SetStringAsync(prefix + ":matched", "v");
        Assert.Equal("v", await _a.GetStringAsync(prefix + ":tagged"));
        Assert.Equal("v", await _a.GetStringAsync(prefix + ":matched"));
        Assert.Equal("v", await _a.GetStringAsync(prefix + ":tagged"));   // served by the near cache now

        Assert.Equal(1, await _a.InvalidateTagAsync(tag));
        Assert.Null(await _a.GetAsync(prefix + ":tagged"));
        Assert.Equal(1, await _a.InvalidatePatternAsync(prefix + ":m*"));
        Assert.Null(await _a.GetAsync(prefix + ":matched"));
    }

    [Fact]
    public async Task Own_invalidation_whose_pushes_are_lost_drops_the_lagging_partitions()
    {
        var tag = $"near-lost-tag:{Guid.NewGuid():N}";
        var key = Key("lost-own");
        await _a.SetStringAsync(key, "v", new GridEntryOptions { Tags = [tag] });
        Assert.Equal("v", await _a.GetStringAsync(key));
        Assert.Equal("v", await _a.GetStringAsync(key));
        long droppedBefore = _a.GetStatistics().PartitionsDropped;

        _a.NearCacheCoordinator!.DropFilter = _ => true;   // every push is lost on the way
        try
        {
            Assert.Equal(1, await _a.InvalidateTagAsync(tag));
            Assert.Null(await _a.GetAsync(key));
        }
        finally
        {
            _a.NearCacheCoordinator.DropFilter = null;
        }

        Assert.True(_a.GetStatistics().PartitionsDropped > droppedBefore);
    }

    [Fact]
    public async Task Own_write_is_kept_and_read_back_from_the_near_cache()
    {
        var key = Key("kept");
        await _b.SetStringAsync(key, "first");   // the partition is live on its silo (a cold partition's first op is not tracked)
        await _a.SetStringAsync(key, "mine");
        var before = _a.GetStatistics();
        Assert.Equal("mine", await _a.GetStringAsync(key));
        var after = _a.GetStatistics();
        Assert.Equal(1, after.NearCacheHits - before.NearCacheHits);
        Assert.Equal(0, after.GridHits - before.GridHits);

        // The silo tracks the key for the writer: another client's write still reaches it.
        await _b.SetStringAsync(key, "theirs");
        await Poll.UntilAsync(async () => await _a.GetStringAsync(key) == "theirs", TimeSpan.FromSeconds(5), "A saw B's write over its own kept value");
    }

    [Fact]
    public async Task Sliding_and_unapplied_conditional_writes_are_not_kept()
    {
        var sliding = Key("kept-sliding");
        await _a.SetStringAsync(sliding, "v", new GridEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
        var conditional = Key("kept-conditional");
        await _b.SetStringAsync(conditional, "first");
        Assert.False(await _a.SetStringAsync(conditional, "second", new GridEntryOptions { When = SetCondition.NotExists }));

        var before = _a.GetStatistics();
        Assert.Equal("v", await _a.GetStringAsync(sliding));
        Assert.Equal("first", await _a.GetStringAsync(conditional));
        var after = _a.GetStatistics();
        Assert.Equal(0, after.NearCacheHits - before.NearCacheHits);
        Assert.Equal(2, after.GridHits - before.GridHits);
    }

    [Fact]
    public async Task Keeping_written_values_can_be_turned_off()
    {
        using var c = await fixture.ConnectAsync(new GridClientOptions { NearCache = { KeepWrittenValues = false } });
        var key = Key("not-kept");
        await _b.SetStringAsync(key, "first");
        await c.SetStringAsync(key, "v");
        var before = c.GetStatistics();
        Assert.Equal("v", await c.GetStringAsync(key));
        Assert.Equal(1, c.GetStatistics().GridHits - before.GridHits);
    }

    [Fact]
    public async Task Once_the_near_cache_is_full_a_written_value_is_kept_only_for_a_key_used_lately()
    {
        using var c = await fixture.ConnectAsync(new GridClientOptions { NearCache = { MaxEntries = 64, Admission = NearCacheAdmission.ReRead } });
        // One hash tag: every key in one partition, live after the first write (a write to a partition not yet live on
        // its silo is never kept, admitted or not).
        string prefix = $"near:{{write-admission-{Guid.NewGuid():N}}}";
        await c.SetStringAsync(prefix + ":first", "x");

        // Filled by reads (kept while there is room), to 15/16 full or more, where admission starts to choose.
        for (int i = 0; i < 1_000 && c.GetStatistics().NearCacheEntries < 60; i++)
        {
            await c.SetStringAsync($"{prefix}:fill{i}", "x");
            await c.GetStringAsync($"{prefix}:fill{i}");
        }

        Assert.True(c.GetStatistics().NearCacheEntries >= 60, $"{c.GetStatistics().NearCacheEntries} entries held");

        // Keys written once: not kept (only the re-read filter's false positives, a few %, get in).
        var before = c.GetStatistics();
        for (int i = 0; i < 20; i++)
        {
            await c.SetStringAsync($"{prefix}:once{i}", "v");
            Assert.Equal("v", await c.GetStringAsync($"{prefix}:once{i}"));
        }

        long keptOnce = c.GetStatistics().NearCacheHits - before.NearCacheHits;
        Assert.True(keptOnce <= 5, $"{keptOnce} of 20 values written once were kept");

        // Keys written twice: the second write's value is kept, so reading it back costs no round trip.
        before = c.GetStatistics();
        for (int i = 0; i < 10; i++)
        {
            await c.SetStringAsync($"{prefix}:twice{i}", "1");
            await c.SetStringAsync($"{prefix}:twice{i}", "2");
            Assert.Equal("2", await c.GetStringAsync($"{prefix}:twice{i}"));
        }

        Assert.Equal(10, c.GetStatistics().NearCacheHits - before.NearCacheHits);
    }

    [Fact]
    public async Task Own_write_is_seen_by_the_next_own_read_at_once()
    {
        var key = Key("own");
        await _a.SetStringAsync(key, "1");
        Assert.Equal("1", await _a.GetStringAsync(key));
        await _a.SetStringAsync(key, "2");
        Assert.Equal("2", await _a.GetStringAsync(key));
        await _a.RemoveAsync(key);
        Assert.Null(await _a.GetAsync(key));
    }

    [Fact]
    public async Task Invalidations_reach_the_near_cache_quickly()
    {
        var latencies = new List<double>();
        for (int i = 0; i < 40; i++)
        {
            var key = Key("latency");
            await _b.SetStringAsync(key, "0");
            Assert.Equal("0", await _a.GetStringAsync(key));
            await _b.SetStringAsync(key, "1");
            var watch = Stopwatch.StartNew();
            while (await _a.GetStringAsync(key) != "1")
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the invalidation never arrived");
                await Task.Delay(1);
            }

            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "near-cache-report.txt"),
            $"invalidation visible after: p50 {latencies[latencies.Count / 2]:F1} ms, p90 {latencies[latencies.Count * 9 / 10]:F1} ms, max {latencies[^1]:F1} ms{Environment.NewLine}");
        // A generous bound for a shared CI machine; the report file holds the real figures.
        Assert.True(latencies[latencies.Count / 2] < 250, $"median {latencies[latencies.Count / 2]} ms");
    }

    [Fact]
    public async Task Lost_invalidation_is_caught_by_the_sequence_check()
    {
        var tag = Guid.NewGuid().ToString("N");
        var first = $"near:{{{tag}}}:first";
        var second = $"near:{{{tag}}}:second";
        await _b.SetStringAsync(first, "1");
        await _b.SetStringAsync(second, "1");
        Assert.Equal("1", await _a.GetStringAsync(first));
        Assert.Equal("1", await _a.GetStringAsync(second));
        long droppedBefore = _a.GetStatistics().PartitionsDropped;

        // The push for `first` is lost on the way.
        int dropped = 0;
        _a.NearCacheCoordinator!.DropFilter = batch => Interlocked.Exchange(ref dropped, 1) == 0;
        await _b.SetStringAsync(first, "2");
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref dropped) == 1), TimeSpan.FromSeconds(5), "the push was dropped");
        _a.NearCacheCoordinator.DropFilter = null;
        Assert.Equal("1", await _a.GetStringAsync(first)); // stale: the invalidation never arrived

        // The next push for the partition shows the gap: the partition is not served while it waits for the missing
        // push (it may only have been overtaken), so `first` is read from the grid at once; the push never comes, and
        // the next renewals' counts give it up as lost and drop what was read from the silo.
        await _b.SetStringAsync(second, "2");
        await Poll.UntilAsync(async () => await _a.GetStringAsync(first) == "2", TimeSpan.FromSeconds(5), "the gap stopped the partition being served");
        await Poll.UntilAsync(() => Task.FromResult(_a.GetStatistics().PartitionsDropped > droppedBefore), TimeSpan.FromSeconds(10), "the lost push was given up and the partition dropped");
    }

    [Fact]
    public async Task Pushes_overtaking_each_other_under_a_write_storm_drop_no_partition()
    {
        // Found by the bench (100 B 50/50, 256 callers): the silo sends each client several one-way pushes at once,
        // Orleans delivers some out of order, and the client read every overtaken push as a lost one, dropping the
        // partition (thousands a second, so the near cache hit 60 % of reads that should all hit). It now waits for
        // the overtaken push (not serving the partition meanwhile) unless the gap is too wide to be a reordering.
        var prefix = $"near-storm:{Guid.NewGuid():N}";
        var keys = new string[4_000];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = $"{prefix}:{i}";
        }

        await Task.WhenAll(keys.Select(k => _b.SetStringAsync(k, "0").AsTask()));
        await Task.WhenAll(keys.Select(k => _a.GetStringAsync(k).AsTask()));
        var near = _a.NearCache!;
        long gapsBefore = near.SequenceGaps;
        long receivedBefore = near.InvalidationsReceived;

        for (int round = 1; round <= 10; round++)
        {
            string value = round.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Task.WhenAll(keys.Select(k => _b.SetStringAsync(k, value).AsTask()));
            await Task.WhenAll(keys.Select(async k => Assert.NotNull(await _a.GetStringAsync(k))));   // tracked again (or a copy whose push is on its way)
        }

        // Once A reads B's last values, the pushes have arrived: thousands of them, none taken for a lost one.
        await Poll.UntilAsync(async () => (await Task.WhenAll(keys.Select(k => _a.GetStringAsync(k).AsTask()))).All(v => v == "10"), TimeSpan.FromSeconds(10), "A read B's last writes");
        Assert.True(near.InvalidationsReceived - receivedBefore >= keys.Length, $"{near.InvalidationsReceived - receivedBefore} invalidations");
        Assert.Equal(0, near.SequenceGaps - gapsBefore);
    }

    [Fact]
    public async Task A_clients_own_writes_are_not_pushed_back_to_it_and_its_reads_follow_them()
    {
        // Like Redis's NOLOOP: a key this client holds only through its own tracked writes is not pushed back to it on
        // its next write (in the bench's 100 B 50/50 cell, one push per write), and racing writes of one key by this
        // client still leave it holding what the grid holds.
        var prefix = $"near-own-loop:{Guid.NewGuid():N}";
        var keys = new string[1_000];
        var buckets = new HashSet<uint>();
        for (int i = 0, n = 0; n < keys.Length; i++)
        {
            // Keys in distinct write-stamp buckets: two keys in one only make a written value not kept (then read and tracked).
            string key = $"{prefix}:{i}";
            if (buckets.Add((uint)Grid.Client.NearCache.NearCacheTable.HashOf(key) % Grid.Client.NearCache.NearCacheStore.WriteStampBuckets))
            {
                keys[n++] = key;
            }
        }

        await Task.WhenAll(keys.Select(k => _b.SetStringAsync(k, "0").AsTask()));   // the partitions are live
        await Task.WhenAll(keys.Select(k => _a.SetStringAsync(k, "1").AsTask()));
        var before = _a.GetStatistics();
        (long receivedBefore, long droppedBefore, long clearsBefore) = (before.InvalidationsReceived, before.PartitionsDropped, before.Clears);
        for (int round = 2; round <= 6; round++)
        {
            string value = round.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Task.WhenAll(keys.Select(k => _a.SetStringAsync(k, value).AsTask()));
            await Task.WhenAll(keys.Select(async k => Assert.Equal(value, await _a.GetStringAsync(k))));
        }

        // Unless A's near cache was dropped meanwhile (a lease that lapsed on a loaded machine: its next reads went to the
        // grid and were tracked, so the writes after them are pushed), none of these writes came back to A.
        var after = _a.GetStatistics();
        if (after.PartitionsDropped == droppedBefore && after.Clears == clearsBefore)
        {
            Assert.Equal(0, after.InvalidationsReceived - receivedBefore);
        }

        // Eight writes of each key at once by this client: whichever the grid applied last, the near cache holds it.
        using var direct = await fixture.ConnectAsync(new GridClientOptions { NearCache = { Enabled = false } });
        await Task.WhenAll(keys.SelectMany(k => Enumerable.Range(0, 8).Select(n => _a.SetStringAsync(k, $"racing:{n}").AsTask())));
        foreach (var key in keys)
        {
            Assert.Equal(await direct.GetStringAsync(key), await _a.GetStringAsync(key));
        }

        // Another client's write still reaches the writer.
        await _b.SetStringAsync(keys[0], "theirs");
        await Poll.UntilAsync(async () => await _a.GetStringAsync(keys[0]) == "theirs", TimeSpan.FromSeconds(5), "A saw B's write over its own kept value");
    }

    [Fact]
    public async Task Losing_the_connection_clears_the_near_cache()
    {
        var key = Key("lost");
        await _b.SetStringAsync(key, "v");
        Assert.Equal("v", await _a.GetStringAsync(key));
        Assert.True(_a.GetStatistics().NearCacheEntries > 0);
        _a.OnConnectionLost();
        var stats = _a.GetStatistics();
        Assert.Equal(1, stats.Clears);
        long gridHits = stats.GridHits;
        Assert.Equal("v", await _a.GetStringAsync(key));
        Assert.Equal(gridHits + 1, _a.GetStatistics().GridHits);
    }

    [Fact]
    public async Task Per_read_options_skip_the_near_cache_or_shorten_its_time_to_live()
    {
        var key = Key("options");
        await _b.SetStringAsync(key, "v");
        await _a.GetAsync(key, GridReadOptions.SkipNearCache);
        await _a.GetAsync(key, GridReadOptions.SkipNearCache);
        long hits = _a.GetStatistics().NearCacheHits;
        await _a.GetAsync(key, GridReadOptions.SkipNearCache);
        Assert.Equal(hits, _a.GetStatistics().NearCacheHits);

        await _a.GetAsync(key, GridReadOptions.WithNearCacheTimeToLive(TimeSpan.FromMilliseconds(100)));
        long promotions = _a.GetStatistics().Promotions;
        await Poll.UntilAsync(async () =>
        {
            await _a.GetAsync(key);
            return _a.GetStatistics().Promotions > promotions;
        }, TimeSpan.FromSeconds(5), "the short-lived copy expired and was read again");
    }

    [Fact]
    public async Task Sliding_entries_are_not_kept_in_the_near_cache()
    {
        var key = Key("sliding");
        await _b.SetStringAsync(key, "v", GridEntryOptions.WithSlidingExpiration(TimeSpan.FromMinutes(5)));
        long hits = _a.GetStatistics().NearCacheHits;
        await _a.GetStringAsync(key);
        await _a.GetStringAsync(key);
        Assert.Equal(hits, _a.GetStatistics().NearCacheHits);
    }

    [Fact]
    public async Task Near_cache_copy_never_outlives_the_grid_entry()
    {
        var key = Key("ttl");
        await _b.SetStringAsync(key, "v", GridEntryOptions.WithTimeToLive(TimeSpan.FromSeconds(1)));
        Assert.Equal("v", await _a.GetStringAsync(key));
        await Poll.UntilAsync(async () => await _a.GetAsync(key) is null, TimeSpan.FromSeconds(10), "the copy expired with the grid entry");
    }

    [Fact]
    public async Task Near_cache_is_bounded_by_entries()
    {
        using var small = await fixture.ConnectAsync(new GridClientOptions { NearCache = { MaxEntries = 50 } });
        var prefix = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 200).Select(i => $"bounded:{prefix}:{i}").ToArray();
        await _b.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(k))).ToList());
        foreach (var key in keys)
        {
            Assert.Equal(key, await small.GetStringAsync(key));
        }

        Assert.InRange(small.GetStatistics().NearCacheEntries, 1, 50);
    }

    [Fact]
    public async Task Multi_get_uses_and_fills_the_near_cache()
    {
        var prefix = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 20).Select(i => $"nearmulti:{prefix}:{i}").ToArray();
        await _b.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(k))).ToList());
        await _a.GetManyAsync(keys);
        // A read is kept unless its silo answered it untracked (README, "what a reader may see": a partition moving, a
        // silo not yet known everywhere, tracking limits); CI run 2 of 2ab8427 kept 19 of 20 after one multi-get (which
        // of these it was is not known). The next multi-get fills the gap.
        await Poll.UntilAsync(
            async () =>
            {
                long hits = _a.GetStatistics().NearCacheHits;
                var values = await _a.GetManyAsync(keys);
                Assert.Equal(keys, values.Select(v => Encoding.UTF8.GetString(v!)));
                return _a.GetStatistics().NearCacheHits - hits == keys.Length;
            },
            TimeSpan.FromSeconds(5),
            "a multi-get served wholly from the near cache");
        await _b.SetStringAsync(keys[3], "changed");
        await Poll.UntilAsync(async () => Encoding.UTF8.GetString((await _a.GetManyAsync(keys))[3]!) == "changed", TimeSpan.FromSeconds(5), "multi-get saw the change");
    }
}
