using Grid.Client;

namespace Grid.Cluster.Tests;

/// <summary>A disposed client takes no more calls and serves nothing it held: no invalidation reaches it any more.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientDisposalTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_disposed_client_refuses_calls_and_never_serves_what_its_near_cache_held()
    {
        var key = $"disposal:{Guid.NewGuid():N}";
        var client = await fixture.ConnectAsync(new GridClientOptions());
        await client.SetStringAsync(key, "v1");
        Assert.Equal("v1", await client.GetStringAsync(key));   // now held in its near cache

        await client.DisposeAsync();
        await fixture.Cache.SetStringAsync(key, "v2");

        // It used to answer on, from its near cache (v1, stale) and from the grid.
        var error = await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.GetStringAsync(key));
        Assert.Contains("disposed", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.SetStringAsync(key, "v3"));
        Assert.Equal("v2", await fixture.Cache.GetStringAsync(key));
    }
}
