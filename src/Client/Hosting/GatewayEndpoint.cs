using System.Net;

namespace Grid.Client;

/// <summary>Parses <c>host:port</c> gateway addresses.</summary>
internal static class GatewayEndpoint
{
    public static IPEndPoint Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("A gateway address must not be empty; use host:port.", nameof(text));
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"Gateway address '{text}' is not host:port.", nameof(text));
        }

        string host = text[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new ArgumentException($"Gateway host '{host}' does not resolve: {ex.Message}", nameof(text), ex);
        }

        foreach (var candidate in addresses)
        {
            if (candidate.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                return new IPEndPoint(candidate, port);
            }
        }

        if (addresses.Length == 0)
        {
            throw new ArgumentException($"Gateway host '{host}' does not resolve.", nameof(text));
        }

        return new IPEndPoint(addresses[0], port);
    }
}
