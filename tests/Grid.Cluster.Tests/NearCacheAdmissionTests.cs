using Grid.Client;

namespace Grid.Cluster.Tests;

/// <summary>
/// A full near cache keeps what is read again: a sweep of keys read once (a scan, a working set larger than the near
/// cache) does not push out the keys read often, and those reads go to the grid untracked.
/// </summary>
public sealed class NearCacheAdmissionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Capacity = 64;

    [Fact]
    public async Task Keys_read_once_do_not_evict_the_hot_keys_of_a_full_near_cache()
    {
        using var reader = await fixture.ConnectAsync(new GridClientOptions { NearCache = { MaxEntries = Capacity } });
        var prefix = $"admission:{Guid.NewGuid():N}";
        var hot = Enumerable.Range(0, Capacity).Select(i => $"{prefix}:hot{i}").ToArray();
        var cold = Enumerable.Range(0, 4 * Capacity).Select(i => $"{prefix}:cold{i}").ToArray();
        await fixture.Cache.SetManyAsync(hot.Concat(cold).Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList());
        // Twice: past 15/16 full, a key is let in on its second read.
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (var key in hot)
            {
                await reader.GetAsync(key);
            }
        }

        long held = reader.GetStatistics().NearCacheEntries;
        Assert.True(held >= Capacity * 15 / 16, $"{held} hot keys held");
        foreach (var key in cold)
        {
            Assert.NotNull(await reader.GetAsync(key));
        }

        long hitsBefore = reader.GetStatistics().NearCacheHits;
        foreach (var key in hot)
        {
            await reader.GetAsync(key);
        }

        // Bloom-filter false positives may let a few cold keys in, each pushing out one hot key.
        long hits = reader.GetStatistics().NearCacheHits - hitsBefore;
        Assert.True(hits >= held * 3 / 4, $"{hits} of the {held} hot keys held still served from the near cache");
    }

    [Fact]
    public async Task A_near_cache_much_smaller_than_the_working_set_is_bypassed_and_reads_stay_right()
    {
        using var reader = await fixture.ConnectAsync(new GridClientOptions { NearCache = { MaxEntries = Capacity } });
        var prefix = $"bypass:{Guid.NewGuid():N}";
        var keys = Enumerable.Range(0, 2_000).Select(i => $"{prefix}:{i}").ToArray();
        await fixture.Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(k))).ToList());

        // Passes over 2,000 keys through a 64-entry near cache: about 3 % of lookups can hit. Bounded: the bypass starts
        // after one window of 16,384 lookups once the near cache has filled.
        for (int pass = 0; pass < 40 && reader.GetStatistics().NearCacheBypassed == 0; pass++)
        {
            foreach (var chunk in keys.Chunk(500))
            {
                var values = await reader.GetManyAsync(chunk);
                for (int i = 0; i < chunk.Length; i++)
                {
                    Assert.Equal(chunk[i], System.Text.Encoding.UTF8.GetString(values[i]!));
                }
            }
        }

        var before = reader.GetStatistics();
        Assert.True(before.NearCacheBypassed > 0, $"not bypassed after {before.NearCacheHits + before.NearCacheMisses:N0} lookups");

        // Bypassed reads are grid reads: another client's write is seen at once, and single reads are right too.
        await fixture.Cache.SetAsync(keys[7], "changed"u8.ToArray());
        for (int i = 0; i < 200; i++)
        {
            string key = keys[i];
            var expected = i == 7 ? "changed" : key;
            Assert.Equal(expected, System.Text.Encoding.UTF8.GetString((await reader.GetAsync(key))!));
        }

        var after = reader.GetStatistics();
        Assert.True(after.NearCacheBypassed - before.NearCacheBypassed >= 150, $"{after.NearCacheBypassed - before.NearCacheBypassed} of 200 reads bypassed");
    }

    [Fact]
    public async Task With_admission_All_keys_read_once_replace_the_hot_keys()
    {
        using var reader = await fixture.ConnectAsync(new GridClientOptions { NearCache = { MaxEntries = Capacity, Admission = NearCacheAdmission.All } });
        var prefix = $"admission-all:{Guid.NewGuid():N}";
        var keys = Enumerable.Range(0, 2 * Capacity).Select(i => $"{prefix}:{i}").ToArray();
        await fixture.Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList());
        foreach (var key in keys)
        {
            await reader.GetAsync(key);
        }

        long promotions = reader.GetStatistics().Promotions;
        Assert.Equal(2 * Capacity, promotions);
    }
}
