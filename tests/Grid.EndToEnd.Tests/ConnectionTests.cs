using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public async Task Client_started_before_the_silo_connects_once_it_is_up()
    {
        int siloPort = FreePort.Next();
        int gatewayPort = FreePort.Next();
        var connecting = ClientHost.StartAsync(o =>
        {
            o.Clustering.Gateways = [$"127.0.0.1:{gatewayPort}"];
            o.ConnectTimeout = TimeSpan.FromSeconds(90);
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(connecting.IsCompleted);

        await using var silo = await StartLocalSiloAsync(siloPort, gatewayPort);
        await using var client = await connecting.WaitAsync(TimeSpan.FromSeconds(90));
        await client.Cache.SetStringAsync("connect:late", "ok");
        Assert.Equal("ok", await client.Cache.GetStringAsync("connect:late"));
        await silo.Process.StopAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Client_fails_start_up_with_a_clear_error_when_no_silo_answers()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ClientHost.StartAsync(o =>
        {
            o.Clustering.Gateways = [$"127.0.0.1:{FreePort.Next()}"];
            o.ConnectTimeout = TimeSpan.FromSeconds(2);
        }));
        Assert.Contains("gateway", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Client_keeps_working_after_the_silo_restarts()
    {
        int siloPort = FreePort.Next();
        int gatewayPort = FreePort.Next();
        var silo = await StartLocalSiloAsync(siloPort, gatewayPort);
        await using var client = await ClientHost.StartAsync(o =>
        {
            o.Clustering.Gateways = [$"127.0.0.1:{gatewayPort}"];
            o.RoutingRefreshInterval = TimeSpan.FromSeconds(1);
        });
        await client.Cache.SetStringAsync("restart:before", "1");

        Assert.Equal(0, await silo.Process.StopAsync(TimeSpan.FromSeconds(30)));
        await silo.DisposeAsync();
        await using var restarted = await StartLocalSiloAsync(siloPort, gatewayPort);

        // Calls fail while the silo is down; the client reconnects with backoff and routes to the new silo.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await client.Cache.SetStringAsync("restart:after", "2");
                break;
            }
            catch (GridException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal("2", await client.Cache.GetStringAsync("restart:after"));
        await restarted.Process.StopAsync(TimeSpan.FromSeconds(20));
    }

    private static Task<SiloProcess> StartLocalSiloAsync(int siloPort, int gatewayPort) =>
        SiloProcess.StartAsync(redis: null, siloPort: siloPort, gatewayPort: gatewayPort);
}
