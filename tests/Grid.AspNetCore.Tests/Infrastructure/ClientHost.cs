using Microsoft.Extensions.Hosting;

namespace Grid.AspNetCore.Tests.Infrastructure;

/// <summary>A started host with its own grid client; stopped (the client leaves the cluster cleanly) before it is disposed.</summary>
public sealed class ClientHost(IHost host) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
