using System.Text;
using Grid.Client;
using Grid.Partitioning;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class MultiKeyTests(ClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    [Fact]
    public async Task Multi_set_and_multi_get_span_many_partitions_and_both_silos()
    {
        var prefix = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 2000).Select(i => $"multi:{prefix}:{i}").ToArray();
        Assert.True(keys.Select(k => PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(k), 1024)).Distinct().Count() > 500);

        await Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(k))).ToList());
        var values = await Cache.GetManyAsync([.. keys, $"multi:{prefix}:absent"]);

        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(keys[i], Encoding.UTF8.GetString(values[i]!));
        }

        Assert.Null(values[^1]);
        var stats = await Cache.GetSiloStatisticsAsync();
        Assert.Equal(2, stats.Count);
        Assert.All(stats, s => Assert.True(s.Entries > 0, $"silo {s.Silo} holds no entries"));
    }

    [Fact]
    public async Task Multi_get_reads_keys_of_other_types_as_missing()
    {
        var key = $"multi:hash:{Guid.NewGuid():N}";
        await Cache.HashSetAsync(key, "f", "v"u8.ToArray());
        var values = await Cache.GetManyAsync([key]);
        Assert.Null(values[0]);
    }

    [Fact]
    public async Task Typed_multi_set_and_get_round_trip()
    {
        var prefix = Guid.NewGuid().ToString("N");
        var items = Enumerable.Range(0, 50).Select(i => KeyValuePair.Create($"typed-multi:{prefix}:{i}", i)).ToList();
        await Cache.SetManyAsync(items, GridEntryOptions.WithTimeToLive(TimeSpan.FromMinutes(5)));
        var read = await Cache.GetManyAsync<int>(items.Select(i => i.Key).ToList());
        Assert.Equal(items.Select(i => i.Value), read.Cast<int>());
    }

    [Fact]
    public async Task Keys_sharing_a_hash_tag_land_in_one_partition()
    {
        var tag = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 20).Select(i => $"user:{{{tag}}}:field{i}").ToArray();
        Assert.Single(keys.Select(k => PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(k), 1024)).Distinct());
        await Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList());
        Assert.All(await Cache.GetManyAsync(keys), v => Assert.NotNull(v));
    }

    [Fact]
    public async Task Many_concurrent_single_operations_all_complete_correctly()
    {
        var prefix = Guid.NewGuid().ToString("N");
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            var key = $"concurrent:{prefix}:{i}";
            await Cache.SetStringAsync(key, key);
            Assert.Equal(key, await Cache.GetStringAsync(key));
        }));
    }
}
