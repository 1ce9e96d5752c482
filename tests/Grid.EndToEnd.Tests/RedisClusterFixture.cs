using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests;

/// <summary>A real redis-server and two real silo processes whose membership lives in it.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisServer? _redis;
    private readonly List<SiloProcess> _silos = [];

    internal RedisServer Redis => _redis!;

    internal IReadOnlyList<SiloProcess> Silos => _silos;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        // The first silo creates the membership table; the second joins it.
        _silos.Add(await SiloProcess.StartAsync(_redis.ConnectionString));
        _silos.Add(await SiloProcess.StartAsync(_redis.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.Process.StopAsync(TimeSpan.FromSeconds(20));
            await silo.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
