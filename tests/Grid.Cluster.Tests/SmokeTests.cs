using Grid.Client;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SmokeTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Set_then_get_returns_the_value()
    {
        var cache = fixture.Cache;
        await cache.SetStringAsync("smoke:1", "hello");
        Assert.Equal("hello", await cache.GetStringAsync("smoke:1"));
        Assert.Equal(5, await cache.IncrementAsync("smoke:n", 5));
        Assert.Equal(3, await cache.DecrementAsync("smoke:n", 2));
        Assert.Equal("3", await cache.GetStringAsync("smoke:n"));
        Assert.True(await cache.HashSetAsync("smoke:h", "a", "1"u8.ToArray()));
        Assert.Equal(11, await cache.HashIncrementAsync("smoke:h", "a", 10));
        Assert.Equal(2, await cache.ListRightPushAsync("smoke:l", ["x"u8.ToArray(), "y"u8.ToArray()]));
        Assert.Equal("y"u8.ToArray(), await cache.ListRightPopAsync("smoke:l"));
        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await cache.ListRightPushAsync("smoke:h", "z"u8.ToArray()));
        var keys = Enumerable.Range(0, 500).Select(i => $"m:{i}").ToArray();
        await cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(k))).ToList());
        var values = await cache.GetManyAsync(keys);
        Assert.All(values.Zip(keys), p => Assert.Equal(p.Second, System.Text.Encoding.UTF8.GetString(p.First!)));
        await cache.SetStringAsync("smoke:ttl", "v", GridEntryOptions.WithTimeToLive(TimeSpan.FromSeconds(100)));
        var ttl = await cache.GetTimeToLiveAsync("smoke:ttl");
        Assert.True(ttl.Exists && ttl.Remaining > TimeSpan.FromSeconds(90));
        var stats = await cache.GetSiloStatisticsAsync();
        Assert.Equal(2, stats.Count);
        Assert.True(stats.Sum(s => s.Entries) >= 500);
    }
}
