using System.Net;
using System.Net.Sockets;
using Grid.Grains.Hosting;
using Grid.Resp.Connections;
using Grid.Resp.Security;
using Grid.Resp.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Resp.Hosting;

/// <summary>
/// Runs a Kestrel server of its own with one endpoint, the RESP port, served by <see cref="RespConnectionHandler"/>.
/// Its own server (not the admin endpoint's) so the RESP port works the same in a plain host (admin off), beside the
/// admin endpoint's web host, and in tests' hosts. Starts after the silo (it is registered after UseOrleans) and
/// stops before it, closing its connections. With the grid's TLS on (<c>Grid:Tls</c>), the port serves TLS only.
/// </summary>
internal sealed partial class RespServer(IServiceProvider services, IOptions<GridSiloOptions> options, ILoggerFactory loggers, ILogger<RespServer> logger) : IHostedService, IAsyncDisposable
{
    private KestrelServer? _server;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var resp = options.Value.Resp;
        if (!resp.Enabled)
        {
            return;
        }

        var kestrel = new KestrelServerOptions { ApplicationServices = services, AddServerHeader = false };
        var tls = RespTls.ServerOptions(options.Value.Tls);
        kestrel.Listen(IPAddress.Parse(resp.Address), resp.Port, listen =>
        {
            // With the grid's TLS on, the RESP port serves TLS only (as redis-server's tls-port), with the silo's certificate.
            if (tls is not null)
            {
                listen.UseHttps(tls);
            }

            listen.UseConnectionHandler<RespConnectionHandler>();
        });
        var transport = new SocketTransportFactory(Options.Create(TransportOptions(resp, options.Value.InlineSocketCompletions)), loggers);
        _server = new KestrelServer(Options.Create(kestrel), transport, loggers);
        await _server.StartAsync(new NoHttpApplication(), cancellationToken).ConfigureAwait(false);
        LogListening(logger, resp.Address, resp.Port, tls is null ? "" : " (TLS)");
    }

    /// <summary>
    /// The socket transport's bounds. Writes: the output pipe holds at most <c>MaxOutputBufferBytes</c> before a flush
    /// waits, which is how a connection finds its client has that much unread (<see cref="RespConnection"/>). Reads: the
    /// input pipe holds up to <c>MaxQueryBufferBytes</c> (Redis's query buffer limit): past it the transport stops
    /// reading that socket until the connection has run what it holds, so a client that sends faster than the grid
    /// answers is held back by TCP; an incomplete command that needs more closes the connection. (Kestrel's 1 MiB
    /// default stalled any command larger than that, which stays in the pipe until it is whole.) TCP keepalive (Redis's <c>tcp-keepalive 300</c>,
    /// inherited by accepted sockets) finds half-open connections whose client vanished without closing. With
    /// <paramref name="inline"/> (<c>Grid:InlineSocketCompletions</c>) a connection's reads run on the thread that
    /// completed the receive (with the silo program's inline socket completions, the socket engine's own thread), not
    /// after a hand-off to the transport's queue and the thread pool: at one command per round trip (<c>-P 1</c>) that
    /// hand-off was about a context switch per request.
    /// </summary>
    internal static SocketTransportOptions TransportOptions(GridRespOptions resp, bool inline) => new()
    {
        MaxWriteBufferSize = resp.MaxOutputBufferBytes,
        UnsafePreferInlineScheduling = inline,
        MaxReadBufferSize = resp.MaxQueryBufferBytes,
        CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 300);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 100);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            return socket;
        },
    };

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid RESP endpoint listening on {Address}:{Port}{Tls}")]
    private static partial void LogListening(ILogger logger, string address, int port, string tls);
}
