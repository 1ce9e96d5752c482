using Microsoft.Extensions.Hosting;

namespace Grid.Client.Hosting;

/// <summary>
/// Tells the cache when the Orleans client lost every gateway, so its near cache empties (it can no longer hear about
/// changes). The cache attaches itself when it is created, so a notification during the container's disposal never
/// resolves anything.
/// </summary>
internal sealed class ConnectionLossObserver(IHostApplicationLifetime? lifetime = null) : IClusterConnectionStatusObserver
{
    private GridCache? _cache;

    public void Attach(GridCache cache) => Volatile.Write(ref _cache, cache);

    // The connection also closes when the host stops: then losing it is expected, not worth a warning.
    public void NotifyClusterConnectionLost() =>
        Volatile.Read(ref _cache)?.OnConnectionLost(expected: lifetime?.ApplicationStopping.IsCancellationRequested == true);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
    }
}
