using System.Net.Sockets;
using StackExchange.Redis;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// <c>Grid:Resp:Password</c> works as Redis's <c>requirepass</c> (same words as a redis-server with one, on the same
/// inputs), the user <c>admin</c> authenticates with the grid's admin token, and FLUSHALL is for admin only.
/// </summary>
public sealed class AuthTests : IAsyncLifetime
{
    private const string Password = "resp-sekret";
    private const string AdminToken = "admin-token-0123456789";
    private RedisServer? _redis;
    private RespSilo? _silo;
    private int _port;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(password: Password);
        _silo = await RespSilo.StartAsync(new Dictionary<string, string>
        {
            ["Grid__Resp__Password"] = Password,
            ["Grid__Admin__Token"] = AdminToken,
        });
        _port = _silo.Port;
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("ping", "get a", "foo", "set a", "hello 3", "hello 2 setname x", "auth wrong", "auth default wrong", "auth someone " + Password, "hello 2 auth default wrong", "auth", "auth a b c", "client info", "quit")]
    [InlineData("auth " + Password, "ping", "set auth.k v", "get auth.k", "auth wrong", "get auth.k", "auth default " + Password, "client getname")]
    [InlineData("auth default " + Password, "del auth.k2", "get auth.k2", "set auth.k2 x", "getex auth.k2 persist")]
    [InlineData("get a\r\nauth " + Password + "\r\nget a\r\nquit")]
    public async Task Refusals_and_authentication_answer_as_redis_with_requirepass(params string[] script)
    {
        Assert.Equal(await RunAsync(_redis!.Port, script), await RunAsync(_port, script));
    }

    [Fact]
    public async Task Hello_with_auth_authenticates_and_the_commands_after_it_in_the_same_read_run()
    {
        await using var client = await RawRespClient.ConnectAsync(_port);
        await client.SendAsync($"hello 3 auth default {Password}\r\nset auth.hello v\r\nget auth.hello\r\n");
        Assert.StartsWith("%7\r\n", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("$1\r\nv\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Flushall_is_for_the_admin_token_only()
    {
        await using var user = await RawRespClient.ConnectAsync(_port);
        Assert.Equal("+OK\r\n+OK\r\n", await user.RunAsync([$"auth {Password}", "set flush.k v"]));
        Assert.Equal("-NOPERM this user has no permissions to run the 'flushall' command\r\n", await user.RunAsync(["flushall"]));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", await user.RunAsync(["auth admin wrong-token"]));
        Assert.Equal(":1\r\n", await user.RunAsync(["exists flush.k"]));

        await using var admin = await RawRespClient.ConnectAsync(_port);
        Assert.Equal("+OK\r\n+OK\r\n:0\r\n", await admin.RunAsync([$"auth admin {AdminToken}", "flushall", "exists flush.k"]));
        Assert.Contains(" user=admin ", await admin.RunAsync(["client info"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StackExchange_Redis_connects_with_the_password()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", _port } },
            Password = Password,
            AbortOnConnectFail = true,
            ConnectTimeout = 15_000,
        });
        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("auth.ser", "v"));
        Assert.Equal("v", (string?)await db.StringGetAsync("auth.ser"));
    }

    private static async Task<string> RunAsync(int port, string[] script)
    {
        await using var client = await RawRespClient.ConnectAsync(port);
        if (script.Length == 1)
        {
            // One pipelined write: the replies to it until the server closes (QUIT).
            await client.SendAsync(script[0] + "\r\n");
            return await client.ReadToCloseAsync();
        }

        return await client.RunAsync(script);
    }
}
