using System.Text;
using Grid.Client;
using Grid.Cluster.Tests.Elasticity;
using Grid.Grains.Hosting;
using Grid.Grains.NearCache;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// Strict near-cache coherence (<c>Grid:NearCache:Coherence = Strict</c>): a write to a key other clients hold in their
/// near caches is acknowledged only once they dropped their copies, so a read on any client after the acknowledgement
/// sees the write; a client that does not confirm is cut off and the write waits at most its lease.
/// </summary>
public sealed class StrictCoherenceTests
{
    private const int Rounds = 40;

    [Fact]
    public async Task After_an_acknowledged_write_no_client_serves_the_old_value_from_its_near_cache()
    {
        await using var scenario = await ScenarioCluster.StartAsync(2, clients: 0, configure: o => o.NearCache.Coherence = NearCacheCoherence.Strict);
        var reader = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions());
        var writer = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions());
        try
        {
            int stale = 0;
            int nearHits = 0;
            for (int round = 0; round < Rounds; round++)
            {
                string key = $"strict:{round}";
                await writer.SetAsync(key, Encoding.UTF8.GetBytes("old"));
                await reader.GetAsync(key);
                long hitsBefore = reader.GetStatistics().NearCacheHits;
                Assert.Equal("old", Encoding.UTF8.GetString((await reader.GetAsync(key))!));
                nearHits += (int)(reader.GetStatistics().NearCacheHits - hitsBefore);

                await writer.SetAsync(key, Encoding.UTF8.GetBytes("new"));
                if (Encoding.UTF8.GetString((await reader.GetAsync(key))!) != "new")
                {
                    stale++;
                }

                await writer.RemoveAsync(key);
                if (await reader.GetAsync(key) is not null)
                {
                    stale++;
                }
            }

            Assert.Equal(0, stale);
            Assert.True(nearHits >= Rounds / 2, $"the reader served {nearHits} of {Rounds} repeated reads from its near cache");
        }
        finally
        {
            await reader.DisposeAsync();
            await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_that_does_not_confirm_is_cut_off_and_the_write_waits_at_most_its_lease()
    {
        await using var scenario = await ScenarioCluster.StartAsync(2, clients: 0, configure: o => o.NearCache.Coherence = NearCacheCoherence.Strict);
        var reader = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions());
        var writer = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions { NearCache = { Enabled = false } });
        try
        {
            const string key = "strict:unconfirmed";
            await writer.SetAsync(key, Encoding.UTF8.GetBytes("old"));
            await reader.GetAsync(key);
            Assert.NotNull(await reader.GetAsync(key));

            // Every silo loses its pushes to the reader: it never confirms.
            foreach (var silo in scenario.Cluster.Silos)
            {
                silo.ServiceProvider.GetRequiredService<InvalidationHub>().DropFilter = _ => true;
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            await writer.SetAsync(key, Encoding.UTF8.GetBytes("new")).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            var lease = new NearCacheSiloOptions().LeaseDuration;
            Assert.True(watch.Elapsed < lease * 3, $"the write waited {watch.Elapsed} (lease {lease})");

            // The reader's lease with that silo has run out by now: it does not serve the old value.
            Assert.Equal("new", Encoding.UTF8.GetString((await reader.GetAsync(key))!));
        }
        finally
        {
            foreach (var silo in scenario.Cluster.Silos)
            {
                silo.ServiceProvider.GetRequiredService<InvalidationHub>().DropFilter = null;
            }

            await reader.DisposeAsync();
            await writer.DisposeAsync();
        }
    }
}
