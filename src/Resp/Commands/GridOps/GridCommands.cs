namespace Grid.Resp.Commands;

/// <summary>
/// The grid's own commands for what Redis lacks: <c>GRID.INVALIDATETAG tag</c> and <c>GRID.INVALIDATEPATTERN glob</c>
/// remove every entry that carries the tag, or whose key matches the glob, on every silo, and answer how many were
/// removed (<see cref="Client.IGridCache.InvalidateTagAsync"/>, <see cref="Client.IGridCache.InvalidatePatternAsync"/>). Entries get
/// tags with <c>SET key value ... TAGS tag [tag ...]</c>.
/// </summary>
internal static class GridCommands
{
    public static void Register(RespCommandTable table)
    {
        table.Add(RespCommand.Sequential("grid.invalidatetag", 2, static (context, call) =>
            CountAsync(context, cache => cache.InvalidateTagAsync(call.Text(1)))));
        table.Add(RespCommand.Sequential("grid.invalidatepattern", 2, static (context, call) =>
            CountAsync(context, cache => cache.InvalidatePatternAsync(call.Text(1)))));
    }

    /// <summary>Runs a grid call that answers a count; its failure (a bad tag or pattern, an unreachable silo) becomes <c>ERR</c> with its message.</summary>
    private static async ValueTask CountAsync(RespContext context, Func<Client.GridCache, ValueTask<long>> run)
    {
        try
        {
            context.Writer.WriteInteger(await run(context.Grid.Cache).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Writer.WriteError("ERR " + ex.Message);
        }
    }
}
