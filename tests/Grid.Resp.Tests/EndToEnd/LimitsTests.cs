using System.Globalization;
using System.Net.Sockets;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// A silo without its admin endpoint (a plain host, no web server) still serves RESP, and the connection limits hold:
/// max clients, idle timeout, output buffer. One silo for the class: these settings are its own.
/// </summary>
public sealed class LimitsTests : IAsyncLifetime
{
    private SiloProcess? _silo;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = FreePort.Next();
        _silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string>
        {
            ["Grid__Admin__Enabled"] = "false",
            ["Grid__Resp__Enabled"] = "true",
            ["Grid__Resp__Address"] = "127.0.0.1",
            ["Grid__Resp__Port"] = _port.ToString(CultureInfo.InvariantCulture),
            ["Grid__Resp__MaxClients"] = "2",
            ["Grid__Resp__IdleTimeout"] = "00:00:02",
            ["Grid__Resp__MaxOutputBufferBytes"] = "65536",
        });
        await RespPort.WaitUntilAcceptingAsync(_port);
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
