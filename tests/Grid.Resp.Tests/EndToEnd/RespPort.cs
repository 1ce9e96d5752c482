using System.Net.Sockets;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>Waits for a silo process's RESP port to accept connections (the silo prints "ready" before Kestrel listens on it).</summary>
internal static class RespPort
{
    public static async Task WaitUntilAcceptingAsync(int port, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
