using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace Grid.Cli.Tests;

/// <summary>
/// One silo hosted the way <c>src/Silo</c> hosts it (<c>AddGridSilo</c>, localhost clustering over TCP) on free
/// loopback ports, so the CLI's real connector has a gateway to reach (the in-process test cluster has none).
/// </summary>
public sealed class RealSiloFixture : IAsyncLifetime
{
    public const string ClusterId = "cli-tests";

    private IHost? _host;

    public int GatewayPort { get; private set; }

    /// <summary>The global options that reach this silo.</summary>
    public string[] GlobalOptions => ["--gateway", $"127.0.0.1:{GatewayPort}", "--cluster-id", ClusterId, "--service-id", ClusterId];

    public async Task InitializeAsync()
    {
        var (siloPort, gatewayPort) = FreePorts();
        GatewayPort = gatewayPort;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddGridSilo(options =>
        {
            options.MaxMemoryBytes = 64L << 20;
            options.Clustering.SiloPort = siloPort;
            options.Clustering.GatewayPort = gatewayPort;
            options.Clustering.ClusterId = ClusterId;
            options.Clustering.ServiceId = ClusterId;
        });
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    private static (int, int) FreePorts()
    {
        var first = new TcpListener(IPAddress.Loopback, 0);
        var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        int a = ((IPEndPoint)first.LocalEndpoint).Port;
        int b = ((IPEndPoint)second.LocalEndpoint).Port;
        first.Stop();
        second.Stop();
        return (a, b);
    }
}
