using Grid.Client;
using Grid.Grains.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Cluster.Tests;

/// <summary>
/// Batches reach each silo through its own gateway (its direct entry service), not through whichever gateway the
/// client's Orleans runtime picked for the silo's entry grain.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DirectEntryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Every_silo_receives_its_batches_through_its_own_gateway()
    {
        using var cache = await fixture.ConnectAsync(new GridClientOptions { NearCache = { Enabled = false } });
        var before = DirectBatches();
        string prefix = $"direct:{Guid.NewGuid():N}:";

        // 400 keys over every silo's partitions, written then read back, one batch each at least per silo.
        for (int round = 0; round < 4; round++)
        {
            var writes = new List<Task>();
            for (int i = 0; i < 100; i++)
            {
                writes.Add(cache.SetStringAsync(prefix + (round * 100 + i), "v" + i).AsTask());
            }

            await Task.WhenAll(writes);
        }

        for (int i = 0; i < 400; i++)
        {
            Assert.Equal("v" + (i % 100), await cache.GetStringAsync(prefix + i));
        }

        var after = DirectBatches();
        for (int silo = 0; silo < after.Length; silo++)
        {
            Assert.True(after[silo] > before[silo], $"silo {silo} received no batch through its own gateway ({before[silo]} before, {after[silo]} after)");
        }
    }

    private long[] DirectBatches() =>
        [.. fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<GridSiloMetrics>().DirectBatches)];
}
