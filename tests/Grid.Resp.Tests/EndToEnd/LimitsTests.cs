using System.Globalization;
using System.Net.Sockets;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// A silo without its admin endpoint (a plain host, no web server) still serves RESP, and the connection limits hold:
/// max clients, idle timeout, output buffer, query buffer. One silo for the class: these settings are its own.
/// </summary>
public sealed class LimitsTests : IAsyncLifetime
{
    private RespSilo? _silo;
    private int _port;

    public async Task InitializeAsync()
    {
        _silo = await RespSilo.StartAsync(new Dictionary<string, string>
        {
            ["Grid__Admin__Enabled"] = "false",
            ["Grid__Resp__MaxClients"] = "2",
            ["Grid__Resp__IdleTimeout"] = "00:00:02",
            ["Grid__Resp__MaxOutputBufferBytes"] = "65536",
            ["Grid__Resp__MaxBulkBytes"] = "524288",
            ["Grid__Resp__MaxQueryBufferBytes"] = "1048576",
        });
        _port = _silo.Port;
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Limits_hold_on_a_silo_without_admin_endpoint()
    {
        // Served by a plain host: no web server of the admin endpoint.
        await using (var first = await ConnectWhenFreeAsync())
        await using (var second = await ConnectWhenFreeAsync())
        {

            // Max clients: a third is told so and closed, the others go on.
            await using var third = await RawRespClient.ConnectAsync(_port);
            Assert.Equal("-ERR max number of clients reached\r\n", await third.ReadToCloseAsync());
            Assert.Equal("+OK\r\n", await first.RunAsync(["set limits.k v"]));
        }

        // Idle timeout: a connection that sends nothing is closed (poll: the slots of the two above are given back first).
        await using var idle = await ConnectWhenFreeAsync();
        var started = DateTime.UtcNow;
        Assert.Equal("", await idle.ReadToCloseAsync());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.5), "closed before the idle timeout");
    }

    [Fact]
    public async Task Replies_over_the_output_buffer_close_only_that_connection()
    {
        await using var writer = await ConnectWhenFreeAsync();
        Assert.Equal("+OK\r\n", await writer.RunAsync([$"set limits.big {new string('x', 40_000)}"]));

        // Three replies of 40 KB to one read: over 64 KiB, so the connection closes without them.
        await writer.SendAsync("get limits.big\r\nget limits.big\r\nget limits.big\r\n");
        string received = await writer.ReadToCloseAsync();
        Assert.True(received.Length < 3 * 40_000, $"{received.Length} bytes arrived");

        await using var other = await ConnectWhenFreeAsync();
        Assert.Equal("+PONG\r\n", await other.RunAsync(["ping"]));
    }

    /// <summary>
    /// Three times the 1 MiB query buffer of pipelined SETs, sent before any reply is read: the silo stops reading while
    /// it holds a query buffer's worth, so the client is held back by TCP, and every command is answered.
    /// </summary>
    [Fact]
    public async Task A_pipeline_larger_than_the_query_buffer_is_held_back_not_refused()
    {
        await using var client = await ConnectWhenFreeAsync();
        const int count = 24_000;
        string value = new('q', 120);
        var input = new System.Text.StringBuilder();
        for (int i = 0; i < count; i++)
        {
            input.Append(CultureInfo.InvariantCulture, $"SET limits.pipe{i} {value}\r\n");
        }

        Assert.True(input.Length > 3 * 1_048_576);
        var sending = client.SendAsync(input.ToString());
        for (int i = 0; i < count; i++)
        {
            Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
        }

        await sending;
        Assert.Equal($"${value.Length}\r\n{value}\r\n", await client.RunAsync([$"get limits.pipe{count - 1}"]));
    }

    /// <summary>One command that needs more than the query buffer (three 400 KB bulks) closes its connection unanswered, nothing of it applied.</summary>
    [Fact]
    public async Task One_command_over_the_query_buffer_closes_only_its_connection()
    {
        await using var client = await ConnectWhenFreeAsync();
        string big = new('z', 400_000);
        await client.SendAsync($"*7\r\n$4\r\nMSET\r\n$7\r\nlimits1\r\n${big.Length}\r\n{big}\r\n$7\r\nlimits2\r\n${big.Length}\r\n{big}\r\n$7\r\nlimits3\r\n${big.Length}\r\n{big}\r\n");
        Assert.Equal("", await client.ReadToCloseAsync());

        await using var other = await ConnectWhenFreeAsync();
        Assert.Equal("*3\r\n$-1\r\n$-1\r\n$-1\r\n", await other.RunAsync(["mget limits1 limits2 limits3"]));
    }

    /// <summary>Connects once a slot is free (closed connections give theirs back asynchronously).</summary>
    private async Task<RawRespClient> ConnectWhenFreeAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var client = await RawRespClient.ConnectAsync(_port);
            try
            {
                Assert.Equal("+PONG\r\n", await client.RunAsync(["ping"]));
                return client;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await client.DisposeAsync();
                await Task.Delay(100);
            }
        }
    }
}
