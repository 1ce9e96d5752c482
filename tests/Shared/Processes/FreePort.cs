using System.Net;
using System.Net.Sockets;

namespace Grid.Tests.Shared.Processes;

internal static class FreePort
{
    // Ports are picked below the kernel's ephemeral range: outgoing connections (clients, silos, redis-server) take their
    // local ports from that range, so a port picked there by binding port 0 could be taken by one of them between the
    // pick and the silo's bind (a fault-suite silo once failed to start on "Grid:Admin:Port is already in use").
    private const int Floor = 20_000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A loopback TCP port nobody listens on right now, not handed out before by this process.</summary>
    public static int Next()
    {
        int ceiling = EphemeralLow();
        for (int attempt = 0; ceiling > Floor && attempt < 500; attempt++)
        {
            int port = Random.Shared.Next(Floor, ceiling);
            lock (Gate)
            {
                if (!HandedOut.Add(port))
                {
                    continue;
                }
            }

            if (IsFree(port))
            {
                return port;
            }
        }

        // No room below the ephemeral range (an unusual kernel setting): any port the kernel picks.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether nobody listens on loopback <paramref name="port"/> right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (32768 when it cannot be read).</summary>
    private static int EphemeralLow()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(RangeFile))
        {
            var parts = File.ReadAllText(RangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out int low))
            {
                return low;
            }
        }

        return 32_768;
    }
}
