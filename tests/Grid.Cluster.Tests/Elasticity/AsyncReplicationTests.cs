using Grid.Client;
using Grid.Grains.Hosting;
using Grid.Grains.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Cluster.Tests.Elasticity;

[Collection(ElasticityCollection.Name)]
public sealed class AsyncReplicationTests
{
    [Fact]
    public async Task In_async_mode_writes_reach_the_replicas_in_the_background_and_survive_a_kill_once_shipped()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 3, clients: 1, configure: o => o.Replication.Mode = GridReplicationMode.Async);
        var cache = scenario.Caches[0];
        var keys = Enumerable.Range(0, 500).Select(i => $"async:{i}").ToArray();
        foreach (var key in keys)
        {
            await cache.SetStringAsync(key, key);
        }

        var outboxes = scenario.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ReplicationOutbox>()).ToArray();
        Assert.All(outboxes, o => Assert.False(o.Sync));
        await Poll.UntilAsync(() => Task.FromResult(outboxes.All(o => o.PendingCount == 0)), TimeSpan.FromSeconds(30), "every change was shipped");

        await scenario.Cluster.KillSiloAsync(scenario.Cluster.Silos[^1]);
        await scenario.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));

        var values = await GetWithRetriesAsync(cache, keys);
        Assert.Equal(keys, values);
    }

    [Fact]
    public async Task In_async_mode_a_backlog_over_its_bound_makes_writes_wait_for_their_replica()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 2, clients: 1, configure: o =>
        {
            o.Replication.Mode = GridReplicationMode.Async;
            o.Replication.MaxAsyncBacklog = 100;
        });
        var cache = scenario.Caches[0];
        var outboxes = scenario.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ReplicationOutbox>()).ToArray();
        var value = new byte[100];
        for (int round = 0; round < 5; round++)
        {
            var items = Enumerable.Range(0, 1_000).Select(i => KeyValuePair.Create($"backlog:{round}:{i}", (ReadOnlyMemory<byte>)value)).ToArray();
            await cache.SetManyAsync(items);

            // Each batch queued ~500 changes per silo, over the bound: it was answered only once they were shipped.
            Assert.All(outboxes, o => Assert.True(o.PendingCount <= 100, $"{o.PendingCount} pending: {o.Describe()}"));
        }
    }

    private static async Task<string?[]> GetWithRetriesAsync(GridCache cache, string[] keys)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                var values = await cache.GetManyAsync(keys);
                return values.Select(v => v is null ? null : System.Text.Encoding.UTF8.GetString(v)).ToArray();
            }
            catch (GridUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
