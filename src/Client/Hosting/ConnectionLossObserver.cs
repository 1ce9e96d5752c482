using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Client.Hosting;

/// <summary>Tells the cache when the Orleans client lost every gateway, so its near cache empties (it can no longer hear about changes).</summary>
internal sealed class ConnectionLossObserver(IServiceProvider services) : IClusterConnectionStatusObserver
{
    // The connection also closes when the host stops: then losing it is expected, not worth a warning.
    public void NotifyClusterConnectionLost() =>
        services.GetRequiredService<GridCache>().OnConnectionLost(expected: services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.IsCancellationRequested == true);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
    }
}
