using System.Globalization;
using System.Net.Sockets;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>A real redis-server and a real Grid silo process with its RESP endpoint on, both on free loopback ports.</summary>
public sealed class RespServersFixture : IAsyncLifetime
{
    private RedisServer? _redis;
    private SiloProcess? _silo;

    /// <summary>redis-server's port.</summary>
    public int RedisPort => _redis!.Port;

    /// <summary>The silo's RESP port.</summary>
    public int GridPort { get; private set; }

    internal SiloProcess Silo => _silo!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        GridPort = FreePort.Next();
        _silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string>
        {
            ["Grid__Resp__Enabled"] = "true",
            ["Grid__Resp__Address"] = "127.0.0.1",
            ["Grid__Resp__Port"] = GridPort.ToString(CultureInfo.InvariantCulture),
            ["Grid__Resp__MaxClients"] = "50",
        });
        await WaitUntilAcceptingAsync(GridPort, TimeSpan.FromSeconds(30));
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

    private static async Task WaitUntilAcceptingAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RespServersCollection : ICollectionFixture<RespServersFixture>
{
    public const string Name = "RESP servers";
}
