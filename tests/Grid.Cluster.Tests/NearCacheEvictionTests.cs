using Grid.Client;

namespace Grid.Cluster.Tests;

public sealed class NearCacheEvictionTests(SmallBudgetClusterFixture fixture) : IClassFixture<SmallBudgetClusterFixture>
{
    [Fact]
    public async Task Eviction_on_the_grid_reaches_the_near_cache()
    {
        using var reader = await fixture.ConnectAsync(new GridClientOptions());
        var key = $"near-evict:{Guid.NewGuid():N}";
        await fixture.Cache.SetStringAsync(key, "v");
        Assert.Equal("v", await reader.GetStringAsync(key));

        // Flood the grid with twice its budget (the near cache client never reads the key again on the grid, so it
        // is the least recently used there), until the grid has evicted it.
        var value = new byte[1000];
        var prefix = Guid.NewGuid().ToString("N");
        // (EXISTS would count as a use, so the key is only checked afterwards.)
        for (int chunk = 0; chunk < 24; chunk++)
        {
            var items = Enumerable.Range(0, 500).Select(i => KeyValuePair.Create($"near-flood:{prefix}:{chunk}:{i}", (ReadOnlyMemory<byte>)value)).ToList();
            await fixture.Cache.SetManyAsync(items);
        }

        Assert.False(await fixture.Cache.ExistsAsync(key));
        await Poll.UntilAsync(async () => await reader.GetAsync(key) is null, TimeSpan.FromSeconds(5), "the near cache dropped the evicted key");
    }
}
