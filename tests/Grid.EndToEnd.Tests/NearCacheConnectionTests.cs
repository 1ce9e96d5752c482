using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests;

public sealed class NearCacheConnectionTests
{
    [Fact]
    public async Task Losing_the_connection_to_the_cluster_clears_the_near_cache()
    {
        await using var silo = await SiloProcess.StartAsync(redis: null);
        await using var client = await ClientHost.StartAsync(o => o.Clustering.Gateways = [silo.Gateway]);
        await client.Cache.SetStringAsync("near:e2e", "v");
        Assert.Equal("v", await client.Cache.GetStringAsync("near:e2e"));
        Assert.Equal("v", await client.Cache.GetStringAsync("near:e2e"));
        var before = client.Cache.GetStatistics();
        Assert.True(before.NearCacheHits >= 1 && before.NearCacheEntries >= 1);

        await silo.Process.KillAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (client.Cache.GetStatistics().Clears == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the near cache was not cleared after the connection was lost");
            await Task.Delay(50);
        }

        Assert.Equal(0, client.Cache.GetStatistics().NearCacheEntries);
        await Assert.ThrowsAnyAsync<GridException>(async () => await client.Cache.GetStringAsync("near:e2e"));
    }
}
