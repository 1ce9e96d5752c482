using System.Runtime.CompilerServices;
using Grid.Client;
using Grid.Client.NearCache;
using Grid.Protocol;
using Microsoft.Extensions.Logging;

namespace Grid.Bench.Hosting;

/// <summary>
/// The grid-l1 system's client: a <see cref="GridCache"/> with the near cache on, over the harness's cluster client.
/// Disposing it also ends its subscriptions on the silos: <see cref="GridCache.Dispose"/> only deletes the observer
/// reference, so without this each silo would keep the slot and push invalidations to a dead observer until the
/// subscription expires (60 s by default), during the other systems' cells.
/// </summary>
internal sealed class NearCacheClient : IAsyncDisposable
{
    /// <summary>Near-cache entries: room for the Zipf(0.99) hot set of the throughput cells.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>The near cache's staleness bound (its default, set explicitly).</summary>
    public static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(30);

    private readonly IClusterClient _client;

    private NearCacheClient(IClusterClient client, GridCache cache)
    {
        _client = client;
        Cache = cache;
    }

    public GridCache Cache { get; }

    public static async Task<NearCacheClient> ConnectAsync(IClusterClient client, Action<GridClientOptions> configure, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = new GridClientOptions();
        configure(options);
        var cache = await GridCache.ConnectAsync(client, options, loggerFactory: loggerFactory, cancellationToken: cancellationToken);
        return new NearCacheClient(client, cache);
    }

    public async ValueTask DisposeAsync()
    {
        var coordinator = Cache.NearCacheCoordinator;
        IReadOnlyList<GridSiloStatistics> silos = [];
        try
        {
            silos = await Cache.GetSiloStatisticsAsync();
        }
        catch (GridException)
        {
            // No silo to unsubscribe from.
        }

        Cache.Dispose();
        if (coordinator is null)
        {
            return;
        }

        // The product has no public way to end a subscription (see the class summary): the harness reads the client id.
        var clientId = ClientIdOf(coordinator);
        var calls = new Task[silos.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = _client.GetGrain<INearCacheHubGrain>(silos[i].Silo + "#hub").Unsubscribe(clientId);
        }

        await Task.WhenAll(calls);
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_clientId")]
    private static extern ref Guid ClientIdOf(NearCacheCoordinator coordinator);
}
