using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>
/// GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]: the value, and a new expiry (or none) for the key. Without an
/// option it is a GET; with one, the grid's <see cref="OpCode.GetExpire"/> (read and change under one lock, as in Redis).
/// </summary>
internal static class GetExCommand
{
    public static void Register(RespCommandTable table) =>
        table.Add(RespCommand.Batched("getex", -2, Plan, static (context, in _, results, _) => RespReplies.WriteValue(context, results[0])));

    /// <summary>Options checked as Redis 7 checks GETEX's (one expiry or PERSIST; the number after the options).</summary>
    private static long Plan(RespContext context, in RespCall call)
    {
        bool persist = false;
        int expiryAt = 0;
        long unitMs = 0;
        bool absolute = false;
        for (int j = 2; j < call.Count; j++)
        {
            bool hasNext = j + 1 < call.Count;
            if (call.Is(j, "persist"u8) && expiryAt == 0)
            {
                persist = true;
            }
            else if (hasNext && expiryAt == 0 && !persist && ExpiryUnit(call, j, out unitMs, out absolute))
            {
                expiryAt = ++j;
            }
            else
            {
                return context.Fail(RespErrors.Syntax);
            }
        }

        if (expiryAt == 0 && !persist)
        {
            context.AddOp(new GridOp { Code = OpCode.Get, Key = call.Bytes(1) });
            return 0;
        }

        long ms = 0;
        if (expiryAt != 0)
        {
            if (!call.TryInt64(expiryAt, out long amount))
            {
                return context.Fail(RespErrors.NotInteger);
            }

            if (amount <= 0 || amount > long.MaxValue / unitMs)
            {
                return context.Fail(RespErrors.InvalidExpire("getex"));
            }

            ms = absolute ? amount * unitMs - context.NowMs : amount * unitMs;
        }

        // One op: the read and the expiry change run under the partition's lock (persist: 0; a time already past: delete).
        context.AddOp(new GridOp { Code = OpCode.GetExpire, Key = call.Bytes(1), Arg0 = persist ? 0 : ms <= 0 ? -1 : ms });
        return 0;
    }

    private static bool ExpiryUnit(in RespCall call, int j, out long unitMs, out bool absolute)
    {
        absolute = call.Is(j, "exat"u8) || call.Is(j, "pxat"u8);
        unitMs = call.Is(j, "ex"u8) || call.Is(j, "exat"u8) ? 1000 : 1;
        return absolute || call.Is(j, "ex"u8) || call.Is(j, "px"u8);
    }
}
