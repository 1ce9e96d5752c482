using Grid.Client;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grid.Bench.Hosting;

/// <summary>
/// The harness's grid client: a generic host with <c>AddGridCache</c> (batching on), plus a second
/// <see cref="GridCache"/> over the same cluster client with batching off (one grain call per operation). Both have the
/// near cache off, so every read they measure is answered by the grid; <see cref="ConnectNearCacheAsync"/> makes the
/// near-cache client of the grid-l1 system.
/// </summary>
internal sealed class GridConnection : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly SiloCluster _cluster;

    private GridConnection(IHost host, SiloCluster cluster, GridCache batched, GridCache unbatched, IClusterClient client)
    {
        _host = host;
        _cluster = cluster;
        Batched = batched;
        Unbatched = unbatched;
        Client = client;
    }

    /// <summary>The default client: natural batching per silo; near cache off.</summary>
    public GridCache Batched { get; }

    /// <summary>Batching off: one partition grain call per operation.</summary>
    public GridCache Unbatched { get; }

    public IClusterClient Client { get; }

    /// <summary>Connects to <paramref name="cluster"/> and waits until the client's routing sees every silo.</summary>
    public static async Task<GridConnection> ConnectAsync(SiloCluster cluster, string logPath, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new FileLoggerProvider(logPath));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.AddGridCache(o => Configure(o, cluster, batching: true, nearCache: false));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            var batched = host.Services.GetRequiredService<GridCache>();
            var client = host.Services.GetRequiredService<IClusterClient>();
            await WaitForSilosAsync(batched, cluster.Count, cancellationToken);
            var unbatchedOptions = new GridClientOptions();
            Configure(unbatchedOptions, cluster, batching: false, nearCache: false);
            var unbatched = await GridCache.ConnectAsync(client, unbatchedOptions, cancellationToken: cancellationToken);
            return new GridConnection(host, cluster, batched, unbatched, client);
        }
        catch
        {
            await StopHostAsync(host);
            throw;
        }
    }

    /// <summary>
    /// A fresh client with the near cache on, over the same cluster client: each grid-l1 measurement gets its own (an
    /// empty L1 that its warm-up fills), and disposing it ends its subscriptions, so the other systems' cells see no
    /// invalidation traffic.
    /// </summary>
    public Task<NearCacheClient> ConnectNearCacheAsync(CancellationToken cancellationToken) =>
        NearCacheClient.ConnectAsync(Client, options => Configure(options, _cluster, batching: true, nearCache: true), _host.Services.GetRequiredService<ILoggerFactory>(), cancellationToken);

    /// <summary>Counters of every silo.</summary>
    public async Task<IReadOnlyList<GridSiloStatistics>> StatisticsAsync() => await Batched.GetSiloStatisticsAsync();

    /// <summary>Forces a full compacting GC on every silo (needs Grid:EnableDiagnostics) and returns the counters after it.</summary>
    public async Task<GridSiloStatistics[]> CollectGarbageAsync()
    {
        var silos = await StatisticsAsync();
        var calls = new Task<GridSiloStatistics>[silos.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = Client.GetGrain<ISiloEntryGrain>(silos[i].Silo + "#0").CollectGarbage();
        }

        return await Task.WhenAll(calls);
    }

    public async ValueTask DisposeAsync()
    {
        Unbatched.Dispose();
        await StopHostAsync(_host);
    }

    private static void Configure(GridClientOptions options, SiloCluster cluster, bool batching, bool nearCache)
    {
        if (cluster.MembershipRedis is { } redis)
        {
            options.Clustering.Redis = redis;
        }
        else
        {
            options.Clustering.Gateways = [.. cluster.Gateways];
        }

        options.Batching = batching;
        options.ConnectTimeout = TimeSpan.FromSeconds(60);
        options.OperationTimeout = TimeSpan.FromSeconds(30);

        // grid and grid-unbatched measure the grid itself: no read may be answered locally. grid-l1 keeps the near
        // cache's defaults except room for the Zipf hot set and an explicit 30 s staleness bound.
        options.NearCache.Enabled = nearCache;
        if (nearCache)
        {
            options.NearCache.MaxEntries = NearCacheClient.MaxEntries;
            options.NearCache.MaxStaleness = NearCacheClient.MaxStaleness;
        }
    }

    private static async Task WaitForSilosAsync(GridCache cache, int expected, CancellationToken cancellationToken)
    {
        // GetSiloStatisticsAsync re-reads the membership into the client's routing table each time.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        int seen = 0;
        while (DateTime.UtcNow < deadline)
        {
            seen = (await cache.GetSiloStatisticsAsync(cancellationToken)).Count;
            if (seen == expected)
            {
                return;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new InvalidOperationException($"The grid client sees {seen} active silo(s) after 60 s; expected {expected}.");
    }

    private static async Task StopHostAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The silos are killed next anyway.
        }

        host.Dispose();
    }
}
