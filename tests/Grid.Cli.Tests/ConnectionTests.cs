using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Grid.Cli.Tests;

/// <summary>The real connector (a client host) against nothing.</summary>
public sealed class ConnectionTests
{
    [Fact]
    public async Task Get_against_a_closed_port_exits_3_quickly_saying_where_it_looked_and_how_to_start_a_silo()
    {
        int port = ClosedPort();
        var clock = Stopwatch.StartNew();

        var result = await Cli.RunRealAsync("get", "k", "--gateway", $"127.0.0.1:{port}", "--connect-timeout", "1s");

        clock.Stop();
        Assert.Equal(GridExitCodes.Unavailable, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith($"error: cannot reach the grid at 127.0.0.1:{port}: connection refused (", result.Error, StringComparison.Ordinal);
        Assert.Contains("start a local silo with 'dotnet run --project src/Silo', or point --gateway (or --cluster) at a running grid", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Get_through_an_unreachable_redis_says_redis_is_unreachable_and_keeps_to_the_connect_timeout()
    {
        int port = ClosedPort();
        var clock = Stopwatch.StartNew();

        var result = await Cli.RunRealAsync("get", "k", "--cluster", $"127.0.0.1:{port}", "--connect-timeout", "2s");

        clock.Stop();
        Assert.Equal(GridExitCodes.Unavailable, result.ExitCode);
        Assert.StartsWith($"error: cannot reach the grid through Redis membership at 127.0.0.1:{port}: the Redis membership store is unreachable (", result.Error, StringComparison.Ordinal);
        Assert.Contains("check the address in --cluster and that Redis runs", result.Error, StringComparison.Ordinal);

        // Not StackExchange.Redis's advice about its own API, nor a silo hint: Redis itself is what is missing.
        Assert.DoesNotContain("abortConnect", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("is a silo running there", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // Each Redis connect attempt is bounded by the connect timeout too (StackExchange.Redis's own is 5 s).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
    }

    /// <summary>A loopback port nothing listens on (just released by a listener of our own).</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
