namespace Grid.Resp.Tests.EndToEnd;

/// <summary>A real redis-server and a real Grid silo process with its RESP endpoint on, both on free loopback ports.</summary>
public sealed class RespServersFixture : IAsyncLifetime
{
    private RedisServer? _redis;
    private RespSilo? _silo;

    /// <summary>redis-server's port.</summary>
    public int RedisPort => _redis!.Port;

    /// <summary>The silo's RESP port.</summary>
    public int GridPort { get; private set; }

    internal SiloProcess Silo => _silo!.Silo;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _silo = await RespSilo.StartAsync(new Dictionary<string, string> { ["Grid__Resp__MaxClients"] = "50" });
        GridPort = _silo.Port;
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
}

[CollectionDefinition(Name)]
public sealed class RespServersCollection : ICollectionFixture<RespServersFixture>
{
    public const string Name = "RESP servers";
}
