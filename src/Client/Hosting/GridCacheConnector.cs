using Microsoft.Extensions.Hosting;

namespace Grid.Client.Hosting;

/// <summary>Connects the cache when the host starts (after the Orleans client), so a misconfigured client fails start-up.</summary>
internal sealed class GridCacheConnector(GridCache cache) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => cache.ConnectAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
