using Grid.Resp.Commands;
using Grid.Resp.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace Grid.Resp.Connections;

/// <summary>
/// Kestrel's entry for each RESP connection: refuses one over <c>Grid:Resp:MaxClients</c> with Redis's error, serves
/// the others (<see cref="RespConnection"/>). A failure of one connection is logged and closes only that connection.
/// </summary>
internal sealed partial class RespConnectionHandler(RespGrid grid, ILogger<RespConnectionHandler> logger) : ConnectionHandler
{
    private static readonly byte[] MaxClientsReached = "-ERR max number of clients reached\r\n"u8.ToArray();
    private readonly RespCommandTable _table = new();

    /// <inheritdoc />
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (!grid.TryEnter())
        {
            await connection.Transport.Output.WriteAsync(MaxClientsReached).ConfigureAwait(false);
            return;
        }

        var session = new RespSession(grid.NextClientId())
        {
            Remote = connection.RemoteEndPoint,
            Local = connection.LocalEndPoint,
            Authenticated = !grid.Auth.RequiresPassword,
        };
        grid.Register(session);
        try
        {
            using var served = new RespConnection(connection.Transport, grid, _table, session, () => connection.Abort(new ConnectionAbortedException("The client's replies outgrew Grid:Resp:MaxOutputBufferBytes.")));
            // Kestrel asks connections to close when the silo stops: an idle client must not hold the silo's shutdown.
            var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, closing);
            await served.RunAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogConnectionFailed(logger, connection.ConnectionId, ex);
        }
        finally
        {
            grid.Unregister(session);
            grid.Exit();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RESP connection {ConnectionId} failed; it was closed.")]
    private static partial void LogConnectionFailed(ILogger logger, string connectionId, Exception exception);
}
