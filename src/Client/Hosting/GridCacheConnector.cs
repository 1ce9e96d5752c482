using Microsoft.Extensions.Hosting;

namespace Grid.Client.Hosting;

/// <summary>Connects the cache when the host starts (after the Orleans client), so a misconfigured client fails start-up.</summary>
internal sealed class GridCacheConnector(GridCache cache) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => cache.ConnectAsync(cancellationToken);

    // Runs before the Orleans client stops (hosted services stop in reverse order), so the silos still hear it.
    public Task StopAsync(CancellationToken cancellationToken) => cache.DisposeAsync().AsTask();
}
