using Grid.Client;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SmokeTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Set_then_get_returns_the_value()
    {
        await fixture.Cache.SetStringAsync("smoke:1", "hello");
        Assert.Equal("hello", await fixture.Cache.GetStringAsync("smoke:1"));
    }
}
