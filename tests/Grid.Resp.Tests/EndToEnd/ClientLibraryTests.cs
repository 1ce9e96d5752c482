using StackExchange.Redis;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>Real Redis clients against the grid's RESP endpoint: StackExchange.Redis (RESP2 and RESP3) and redis-cli.</summary>
[Collection(RespServersCollection.Name)]
public sealed class ClientLibraryTests(RespServersFixture servers)
{
    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task StackExchange_Redis_sets_gets_counts_hashes_and_lists(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var db = redis.GetDatabase();
        string p = "ser" + protocol + ".";

        Assert.True(await db.StringSetAsync(p + "s", "hello", TimeSpan.FromMinutes(5)));
        Assert.Equal("hello", (string?)await db.StringGetAsync(p + "s"));
        Assert.False((await db.StringGetAsync(p + "none")).HasValue);
        Assert.InRange((await db.KeyTimeToLiveAsync(p + "s"))!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.False(await db.StringSetAsync(p + "s", "other", when: When.NotExists));

        Assert.Equal(1, await db.StringIncrementAsync(p + "c"));
        Assert.Equal(11, await db.StringIncrementAsync(p + "c", 10));
        Assert.Equal(8, await db.StringDecrementAsync(p + "c", 3));

        await db.HashSetAsync(p + "h", [new("a", "1"), new("b", "2")]);
        Assert.Equal("2", (string?)await db.HashGetAsync(p + "h", "b"));
        Assert.Equal(5, await db.HashIncrementAsync(p + "h", "a", 4));
        var all = (await db.HashGetAllAsync(p + "h")).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "5", ["b"] = "2" }, all);

        Assert.Equal(3, await db.ListRightPushAsync(p + "l", ["a", "b", "c"]));
        Assert.Equal(4, await db.ListLeftPushAsync(p + "l", "z"));
        Assert.Equal(["z", "a", "b", "c"], (await db.ListRangeAsync(p + "l")).Select(v => (string?)v));
        Assert.Equal("c", (string?)await db.ListRightPopAsync(p + "l"));
        Assert.Equal(["z", "a"], (await db.ListLeftPopAsync(p + "l", 2)).Select(v => (string?)v));

        Assert.Equal(RedisType.Hash, await db.KeyTypeAsync(p + "h"));
        Assert.True(await db.KeyDeleteAsync(p + "h"));
        Assert.False(await db.KeyExistsAsync(p + "h"));

        // GETEX, SCAN (IServer.KeysAsync pages through SCAN), INFO.
        Assert.Equal("hello", (string?)await db.StringGetSetExpiryAsync(p + "s", TimeSpan.FromMinutes(1)));
        Assert.InRange((await db.KeyTimeToLiveAsync(p + "s"))!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        var server = redis.GetServer("127.0.0.1", servers.GridPort);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: p + "*", pageSize: 2))
        {
            keys.Add(key!);
        }

        Assert.Equal([p + "c", p + "l", p + "s"], keys.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal("7.0.0", server.Version.ToString(3));
        // Server discovery read INFO: a standalone primary (IServer.InfoAsync itself needs AllowAdmin).
        Assert.Equal(ServerType.Standalone, server.ServerType);
        Assert.False(server.IsReplica);
    }

    [Fact]
    public async Task StackExchange_Redis_pipelined_writes_keep_their_order()
    {
        await using var redis = await ConnectAsync(RedisProtocol.Resp2);
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var tasks = new List<Task<long>>();
        for (int i = 0; i < 500; i++)
        {
            tasks.Add(batch.StringIncrementAsync("ser.order." + (i % 7)));
            _ = batch.StringSetAsync("ser.last." + (i % 5), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        batch.Execute();
        var counts = await Task.WhenAll(tasks);
        for (int i = 0; i < counts.Length; i++)
        {
            Assert.Equal(i / 7 + 1, counts[i]);
        }

        for (int k = 0; k < 5; k++)
        {
            Assert.Equal((495 + k).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)await db.StringGetAsync("ser.last." + k));
        }
    }

    [Fact]
    public async Task Redis_cli_pings_sets_and_gets()
    {
        if (RedisServer.FindExecutable("redis-cli") is not { } cli)
        {
            return; // redis-tools is not installed here; .ci/run installs it.
        }

        string port = servers.GridPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("PONG", (await RunAsync(cli, ["-p", port, "ping"])).Trim());
        Assert.Equal("OK", (await RunAsync(cli, ["-p", port, "set", "cli.k", "from cli"])).Trim());
        Assert.Equal("from cli", (await RunAsync(cli, ["-p", port, "get", "cli.k"])).Trim());
        Assert.Equal("3", (await RunAsync(cli, ["-p", port, "rpush", "cli.l", "a", "b", "c"])).Trim());
    }

    private static async Task<string> RunAsync(string cli, string[] arguments)
    {
        var (exitCode, output) = await ManagedProcess.RunAsync(cli, arguments, TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, output);
        return output;
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(RedisProtocol protocol)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", servers.GridPort } },
            Protocol = protocol,
            // Default options otherwise: server discovery reads INFO; CONFIG and CLUSTER answer as on a Redis without them.
            AbortOnConnectFail = true,
            ConnectTimeout = 15_000,
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
