namespace Grid.Resp.Commands;

/// <summary>
/// KEYS pattern: every key of the grid that matches a Redis glob, from every partition (16 partitions at a time, each
/// a bounded step at a time). As in Redis, meant for debugging: on a large grid it is long and its reply large; SCAN
/// is the way to walk a keyspace. The order is the grid's, not Redis's.
/// </summary>
internal static class KeysCommand
{
    public static void Register(RespCommandTable table) => table.Add(RespCommand.Sequential("keys", 2, static async (context, call) =>
    {
        try
        {
            KeyListing.WriteKeys(context, await KeyListing.AllAsync(context, KeyListing.Pattern(call, 1)).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Writer.WriteError(KeyListing.Error(ex));
        }
    }));
}
