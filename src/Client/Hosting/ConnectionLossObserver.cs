using Microsoft.Extensions.DependencyInjection;

namespace Grid.Client.Hosting;

/// <summary>Tells the cache when the Orleans client lost every gateway, so its near cache empties (it can no longer hear about changes).</summary>
internal sealed class ConnectionLossObserver(IServiceProvider services) : IClusterConnectionStatusObserver
{
    public void NotifyClusterConnectionLost() => services.GetRequiredService<GridCache>().OnConnectionLost();

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
    }
}
