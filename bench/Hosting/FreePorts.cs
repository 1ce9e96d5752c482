using System.Net;
using System.Net.Sockets;

namespace Grid.Bench.Hosting;

/// <summary>Picks distinct free TCP ports on the loopback interface.</summary>
internal static class FreePorts
{
    /// <summary>Returns <paramref name="count"/> distinct ports that were free a moment ago.</summary>
    public static int[] Take(int count)
    {
        // Hold every listener open until all are bound, so the kernel cannot hand out the same port twice.
        var listeners = new TcpListener[count];
        var ports = new int[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
                ports[i] = ((IPEndPoint)listeners[i].LocalEndpoint).Port;
            }
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener?.Stop();
            }
        }

        return ports;
    }
}
