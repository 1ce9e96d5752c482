using Grid.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Grid.Bench.Hosting;
using Microsoft.Extensions.Logging;

namespace Grid.Tests.Shared.Processes;

/// <summary>A separate client host with its own Orleans client, as a .NET service would have.</summary>
internal sealed class ClientHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly FileLoggerProvider? _logFile;

    private ClientHost(IHost host, FileLoggerProvider? logFile)
    {
        _host = host;
        _logFile = logFile;
    }

    public IGridCache Cache => _host.Services.GetRequiredService<IGridCache>();

    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// The process-cluster tests' client: it finds the silos through <paramref name="redis"/>'s membership table and
    /// refreshes its routing every second, so silos that join, stop or die show within a second.
    /// </summary>
    public static Task<ClientHost> StartOnRedisAsync(RedisServer redis) => StartAsync(o =>
    {
        o.Clustering.Redis = redis.ConnectionString;
        o.RoutingRefreshInterval = TimeSpan.FromSeconds(1);
    });

    /// <param name="configure">The client's options.</param>
    /// <param name="logFile">When given, the client's warnings and errors also go to this file (UTC times, as the silos' logs).</param>
    public static async Task<ClientHost> StartAsync(Action<GridClientOptions> configure, string? logFile = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Registered as an instance, so the host does not close it: this host does, once stopped.
        var fileLogger = logFile is null ? null : new FileLoggerProvider(logFile);
        if (fileLogger is not null)
        {
            builder.Logging.AddProvider(fileLogger);
        }

        builder.AddGridCache(configure);
        var host = builder.Build();
        await host.StartAsync();
        return new ClientHost(host, fileLogger);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        // Asynchronously: the host's synchronous Dispose waits on its services' async disposal from a pool thread.
        if (_host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
        _logFile?.Dispose();
    }
}
