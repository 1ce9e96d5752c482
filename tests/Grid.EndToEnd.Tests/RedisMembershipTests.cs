using System.Text;
using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests;

public sealed class RedisMembershipTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task Write_through_one_gateway_read_through_the_other_and_through_redis_membership()
    {
        await using var first = await ClientHost.StartAsync(o => o.Clustering.Gateways = [fixture.Silos[0].Gateway]);
        await using var second = await ClientHost.StartAsync(o => o.Clustering.Gateways = [fixture.Silos[1].Gateway]);
        await using var viaRedis = await ClientHost.StartAsync(o => o.Clustering.Redis = fixture.Redis.ConnectionString);

        var prefix = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 500).Select(i => $"e2e:{prefix}:{i}").ToArray();
        await first.Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(k))).ToList());
        await first.Cache.SetStringAsync($"e2e:{prefix}:single", "hello", GridEntryOptions.WithTimeToLive(TimeSpan.FromMinutes(5)));

        foreach (var reader in new[] { second.Cache, viaRedis.Cache })
        {
            var values = await reader.GetManyAsync(keys);
            Assert.All(values.Zip(keys), pair => Assert.Equal(pair.Second, Encoding.UTF8.GetString(pair.First!)));
            Assert.Equal("hello", await reader.GetStringAsync($"e2e:{prefix}:single"));
        }

        var stats = await viaRedis.Cache.GetSiloStatisticsAsync();
        Assert.Equal(2, stats.Count);
        Assert.All(stats, s => Assert.True(s.Entries > 0, $"silo {s.Silo} holds nothing: partitions are not spread"));
    }
}
