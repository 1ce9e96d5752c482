using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Grid.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.AspNetCore.Tests.Infrastructure;

/// <summary>
/// Two silos hosted the way <c>src/Silo</c> hosts them (<c>AddGridSilo</c>, localhost clustering over TCP on free
/// loopback ports), so every web app and client host of a test connects through its own Orleans client, as separate
/// processes would. Shared by every test of the collection.
/// </summary>
public sealed class GridSilosFixture : IAsyncLifetime
{
    public const string ClusterId = "aspnet-tests";

    private readonly List<IHost> _silos = [];
    private readonly ConcurrentDictionary<Type, Lazy<Task<IAsyncDisposable>>> _shared = new();

    public string[] Gateways { get; private set; } = [];

    /// <summary>Command-line style settings that point a <c>GridClient</c> section at these silos.</summary>
    public string[] ClientArgs =>
    [
        $"--GridClient:Clustering:Gateways:0={Gateways[0]}",
        $"--GridClient:Clustering:Gateways:1={Gateways[1]}",
        $"--GridClient:Clustering:ClusterId={ClusterId}",
        $"--GridClient:Clustering:ServiceId={ClusterId}",
    ];

    public async Task InitializeAsync()
    {
        var ports = FreePorts(4);
        Gateways = [$"127.0.0.1:{ports[1]}", $"127.0.0.1:{ports[3]}"];
        await StartSiloAsync(ports[0], ports[1], primary: null);
        await StartSiloAsync(ports[2], ports[3], primary: ports[0]);
    }

    /// <summary>Points client options at these silos.</summary>
    public void ConfigureClient(GridClientOptions options)
    {
        options.Clustering.Gateways = [.. Gateways];
        options.Clustering.ClusterId = ClusterId;
        options.Clustering.ServiceId = ClusterId;
    }

    /// <summary>Starts a host with its own grid client (near cache on, as by default) and whatever else it needs.</summary>
    public async Task<ClientHost> StartClientHostAsync(Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddGridCache(ConfigureClient);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new ClientHost(host);
    }

    /// <summary>Something several test classes share (a pair of web apps), started once on first use and disposed before the silos.</summary>
    public async Task<T> SharedAsync<T>(Func<GridSilosFixture, Task<T>> start)
        where T : class, IAsyncDisposable =>
        (T)await _shared.GetOrAdd(typeof(T), _ => new Lazy<Task<IAsyncDisposable>>(async () => await start(this))).Value;

    public async Task DisposeAsync()
    {
        foreach (var shared in _shared.Values)
        {
            if (shared.IsValueCreated && shared.Value.IsCompletedSuccessfully)
            {
                await shared.Value.Result.DisposeAsync();
            }
        }

        for (int i = _silos.Count - 1; i >= 0; i--)
        {
            await _silos[i].StopAsync();
            _silos[i].Dispose();
        }
    }

    private async Task StartSiloAsync(int siloPort, int gatewayPort, int? primary)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddGridSilo(options =>
        {
            options.MaxMemoryBytes = 64L << 20;
            options.Clustering.SiloPort = siloPort;
            options.Clustering.GatewayPort = gatewayPort;
            options.Clustering.PrimarySiloPort = primary;
            options.Clustering.ClusterId = ClusterId;
            options.Clustering.ServiceId = ClusterId;
        });
        var host = builder.Build();
        await host.StartAsync();
        _silos.Add(host);
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}

[CollectionDefinition(Name)]
public sealed class GridCollection : ICollectionFixture<GridSilosFixture>
{
    public const string Name = "grid";
}
