using Grid.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// Client-side caching over RESP3 (CLIENT TRACKING): the invalidation pushes have redis-server's exact frames, in
/// default mode (keys the connection read) and BCAST mode (every change under a prefix), and they come from the grid's
/// own invalidations, so a write by Grid.Client reaches a Redis client that read the key.
/// </summary>
[Collection(RespServersCollection.Name)]
public sealed class TrackingTests(RespServersFixture servers)
{
    [Fact]
    public async Task Default_mode_pushes_the_invalidation_of_a_key_read_as_redis_does()
    {
        string redis = await ReadThenWriteAsync(servers.RedisPort, "trk.default");
        string grid = await ReadThenWriteAsync(servers.GridPort, "trk.default");
        Assert.Equal(">2\r\n$10\r\ninvalidate\r\n*1\r\n$11\r\ntrk.default\r\n", redis);
        Assert.Equal(redis, grid);
    }

    [Fact]
    public async Task Bcast_mode_pushes_every_change_under_its_prefixes_as_redis_does()
    {
        string redis = await BroadcastAsync(servers.RedisPort);
        string grid = await BroadcastAsync(servers.GridPort);
        Assert.Equal(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nbc.a.1\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nbc.b.2\r\n", redis);
        Assert.Equal(redis, grid);
    }

    [Fact]
    public async Task Tracking_options_and_errors_answer_as_redis()
    {
        string[] script =
        [
            "client tracking", "client tracking maybe", "client tracking on prefix a", "client tracking on bcast optin",
            "client tracking on bcast prefix a prefix ab", "client tracking on bogus", "client getredir",
            "client caching yes", "client trackinginfo", "client tracking on", "client getredir", "client tracking on bcast",
            "client caching maybe", "client tracking off", "client tracking on bcast prefix t. prefix u.", "client tracking on bcast prefix t.x",
            "client trackinginfo", "client tracking off", "client getredir",
        ];
        Assert.Equal(await RunAsync(servers.RedisPort, script), await RunAsync(servers.GridPort, script));
    }

    [Fact]
    public async Task A_write_by_Grid_Client_reaches_the_resp_client_that_read_the_key()
    {
        await using var reader = await RawRespClient.ConnectAsync(servers.GridPort);
        await reader.RunAsync(["hello 3"]);
        Assert.Equal("+OK\r\n", await reader.RunAsync(["client tracking on"]));
        Assert.Equal("+OK\r\n", await reader.RunAsync(["set trk.dotnet before"]));
        Assert.Equal("$6\r\nbefore\r\n", await reader.RunAsync(["get trk.dotnet"]));

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddGridCache(o => o.Clustering.Gateways = [servers.Silo.Gateway]);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var cache = host.Services.GetRequiredService<IGridCache>();
            await cache.SetAsync("trk.dotnet", "after"u8.ToArray());
            Assert.Equal(">2\r\n$10\r\ninvalidate\r\n*1\r\n$10\r\ntrk.dotnet\r\n", await reader.ReadReplyAsync());
            Assert.Equal("$5\r\nafter\r\n", await reader.RunAsync(["get trk.dotnet"]));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Reads_the_grid_does_not_track_are_invalidated_right_after_their_reply()
    {
        // Redis tracks a missing key (and hash and list reads); the grid's silos track string values only, so the
        // endpoint tells the client at once not to keep such an answer: coherent, just not cached.
        await using var reader = await RawRespClient.ConnectAsync(servers.GridPort);
        await reader.RunAsync(["hello 3"]);
        Assert.Equal("+OK\r\n", await reader.RunAsync(["client tracking on"]));
        Assert.Equal("_\r\n", await reader.RunAsync(["get trk.missing"]));
        Assert.Equal(">2\r\n$10\r\ninvalidate\r\n*1\r\n$11\r\ntrk.missing\r\n", await reader.ReadReplyAsync());
        Assert.Equal(":0\r\n", await reader.RunAsync(["hlen trk.missing.h"]));
        Assert.Equal(">2\r\n$10\r\ninvalidate\r\n*1\r\n$13\r\ntrk.missing.h\r\n", await reader.ReadReplyAsync());
    }

    /// <summary>Connection A tracks and reads the key; B overwrites it; A's next frame is the push.</summary>
    private static async Task<string> ReadThenWriteAsync(int port, string key)
    {
        await using var writer = await RawRespClient.ConnectAsync(port);
        await using var reader = await RawRespClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await writer.RunAsync([$"set {key} v1"]));
        await reader.RunAsync(["hello 3"]);
        Assert.Equal("+OK\r\n", await reader.RunAsync(["client tracking on"]));
        Assert.Equal("$2\r\nv1\r\n", await reader.RunAsync([$"get {key}"]));
        Assert.Equal("+OK\r\n", await writer.RunAsync([$"set {key} v2"]));
        return await reader.ReadReplyAsync();
    }

    /// <summary>BCAST on two prefixes: writes under them are pushed, a write elsewhere is not (the next push is the next write's).</summary>
    private static async Task<string> BroadcastAsync(int port)
    {
        await using var writer = await RawRespClient.ConnectAsync(port);
        await using var reader = await RawRespClient.ConnectAsync(port);
        await reader.RunAsync(["hello 3"]);
        Assert.Equal("+OK\r\n", await reader.RunAsync(["client tracking on bcast prefix bc.a. prefix bc.b."]));
        Assert.Equal("+OK\r\n", await writer.RunAsync(["set bc.a.1 x"]));
        string first = await reader.ReadReplyAsync();
        Assert.Equal("+OK\r\n", await writer.RunAsync(["set bc.c.9 x"]));
        Assert.Equal("+OK\r\n", await writer.RunAsync(["set bc.b.2 x"]));
        return first + await reader.ReadReplyAsync();
    }

    private static async Task<string> RunAsync(int port, string[] script)
    {
        await using var client = await RawRespClient.ConnectAsync(port);
        await client.RunAsync(["hello 3"]);
        return await client.RunAsync(script);
    }
}
