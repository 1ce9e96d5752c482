using Grid.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grid.Tests.Shared.Processes;

/// <summary>A separate client host with its own Orleans client, as a .NET service would have.</summary>
internal sealed class ClientHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ClientHost(IHost host) => _host = host;

    public IGridCache Cache => _host.Services.GetRequiredService<IGridCache>();

    public IServiceProvider Services => _host.Services;

    public static async Task<ClientHost> StartAsync(Action<GridClientOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddGridCache(configure);
        var host = builder.Build();
        await host.StartAsync();
        return new ClientHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
