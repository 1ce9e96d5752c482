using System.Net;

namespace Grid.Resp.Commands;

/// <summary>
/// FLUSHALL [ASYNC|SYNC]: removes every entry of the grid (every silo, every partition), answering once they are gone.
/// Admin only: the connection must have sent <c>AUTH admin &lt;Grid:Admin:Token&gt;</c>; a grid without an admin token
/// admits loopback clients only (the admin endpoint's rule). Others get Redis's <c>NOPERM</c> error.
/// </summary>
internal static class FlushAllCommand
{
    /// <summary>The answer to a connection that may not flush.</summary>
    public const string NoPermission = "NOPERM this user has no permissions to run the 'flushall' command";

    public static void Register(RespCommandTable table) => table.Add(RespCommand.Sequential("flushall", -1, FlushAsync));

    private static async ValueTask FlushAsync(RespContext context, RespCall call)
    {
        if (call.Count > 2 || (call.Count == 2 && !call.Is(1, "async"u8) && !call.Is(1, "sync"u8)))
        {
            context.Writer.WriteError(RespErrors.Syntax);
            return;
        }

        if (!MayFlush(context))
        {
            context.Writer.WriteError(NoPermission);
            return;
        }

        try
        {
            // ASYNC answers when done too: the removal runs on every silo in bounded steps either way.
            await context.Grid.Cache.InvalidatePatternAsync("*").ConfigureAwait(false);
            context.Writer.WriteOk();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Writer.WriteError("ERR " + ex.Message);
        }
    }

    private static bool MayFlush(RespContext context) =>
        context.Session.IsAdmin || (!context.Grid.Auth.HasAdminToken && context.Session.Remote is IPEndPoint { Address: var address } && IPAddress.IsLoopback(address));
}
