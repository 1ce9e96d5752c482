using Grid.Client;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RealTimeExpiryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Short_ttl_expires_in_real_time()
    {
        var key = $"realtime:{Guid.NewGuid():N}";
        await fixture.Cache.SetStringAsync(key, "v", GridEntryOptions.WithTimeToLive(TimeSpan.FromMilliseconds(200)));
        await Poll.UntilAsync(async () => await fixture.Cache.GetAsync(key) is null, TimeSpan.FromSeconds(10), "the key expired");
    }

    [Fact]
    public async Task Absolute_expiration_in_the_future_is_honoured()
    {
        var key = $"realtime-abs:{Guid.NewGuid():N}";
        await fixture.Cache.SetStringAsync(key, "v", new GridEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(10) });
        var ttl = await fixture.Cache.GetTimeToLiveAsync(key);
        Assert.InRange(ttl.Remaining!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }
}
