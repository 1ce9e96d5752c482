using System.Net;
using System.Net.Sockets;

namespace Grid.Grains.Hosting;

/// <summary>
/// Checks that nothing listens on the silo's and the gateway's ports. Orleans' listeners share a port with another
/// listener that allows it (on Linux a second silo on the same ports starts and splits the connections with the
/// first: two clusters behind one address), so a port in use must be caught before they bind.
/// </summary>
public sealed class SiloPortCheck(GridClusteringOptions clustering) : ISiloStartupCheck
{
    private bool _passed;

    /// <summary>Checks the silo and gateway ports.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (_passed)
        {
            return Task.CompletedTask;
        }

        // Localhost clustering listens on the loopback address, Redis clustering on every address.
        var address = string.IsNullOrWhiteSpace(clustering.Redis) ? IPAddress.Loopback : IPAddress.Any;
        const string ownPorts = "give this silo its own ports (Grid__Clustering__SiloPort, Grid__Clustering__GatewayPort, Grid__Admin__Port; " +
            "with localhost clustering also Grid__Clustering__PrimarySiloPort=<the first silo's SiloPort> to join it)";
        Ensure(address, clustering.SiloPort, "Grid:Clustering:SiloPort", ownPorts);
        Ensure(address, clustering.GatewayPort, "Grid:Clustering:GatewayPort", ownPorts);
        _passed = true;
        return Task.CompletedTask;
    }

    /// <summary>Throws <see cref="GridConfigurationException"/> naming <paramref name="setting"/> when something listens on <paramref name="port"/>.</summary>
    public static void Ensure(IPAddress address, int port, string setting, string remedy)
    {
        if (port == 0)
        {
            return;
        }

        // No SO_REUSEADDR/SO_REUSEPORT: the bind fails whenever any socket listens on the port at that address.
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            string why = ex.SocketErrorCode == SocketError.AccessDenied ? "may not be used by this process" : "is already in use (is another silo running?)";
            throw new GridConfigurationException($"port {port} on {address} ({setting}) {why}: stop the other process, or {remedy}", ex);
        }
    }
}
