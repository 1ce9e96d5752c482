using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>
/// GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]: the value, and a new expiry (or none) for the key. Without an
/// option it is a GET; with one, the grid's <see cref="OpCode.GetExpire"/> (read and change under one lock, as in Redis).
/// </summary>
internal static class GetExCommand
{
    // A GETEX whose number is wrong reads the key instead, and its answer decides the reply (Redis looks the key up first).
    private const long NotInteger = 1;
    private const long InvalidExpire = 2;

    public static void Register(RespCommandTable table) =>
        table.Add(RespCommand.Batched("getex", -2, Plan, Reply));

    /// <summary>
    /// Options checked as Redis 7 checks GETEX's (EX/PX/EXAT/PXAT again: the last one counts; one of them or PERSIST).
    /// The number is checked after the key's lookup and type, as Redis does: a missing key answers nil and a hash
    /// WRONGTYPE whatever the number says.
    /// </summary>
    private static long Plan(RespContext context, in RespCall call)
    {
        bool persist = false;
        var expiry = default(ExpiryArgument);
        for (int j = 2; j < call.Count; j++)
        {
            if (call.Is(j, "persist"u8) && !expiry.IsGiven)
            {
                persist = true;
            }
            else if (j + 1 < call.Count && !persist && ExpiryArgument.UnitAt(call, j) is var unit and not ExpiryUnit.None && expiry.Accepts(unit))
            {
                expiry = new ExpiryArgument(unit, ++j);
            }
            else
            {
                return context.Fail(RespErrors.Syntax);
            }
        }

        if (!expiry.IsGiven && !persist)
        {
            context.AddOp(new GridOp { Code = OpCode.Get, Key = call.Bytes(1) });
            return 0;
        }

        long ms = 0;
        if (expiry.IsGiven && expiry.TryTimeToLive(call, context.NowMs, "getex", out ms) is { } error)
        {
            context.AddOp(new GridOp { Code = OpCode.Get, Key = call.Bytes(1) });
            return error == RespErrors.NotInteger ? NotInteger : InvalidExpire;
        }

        // One op: the read and the expiry change run under the partition's lock (persist: 0; a time already past: delete).
        context.AddOp(new GridOp { Code = OpCode.GetExpire, Key = call.Bytes(1), Arg0 = persist ? 0 : ms <= 0 ? -1 : ms });
        return 0;
    }

    private static void Reply(RespContext context, in RespCall call, ReadOnlySpan<GridResult> results, long state)
    {
        if (state == 0)
        {
            RespReplies.WriteValue(context, results[0]);
            return;
        }

        // The number was wrong: a missing key's nil and another type's WRONGTYPE come first, as in Redis.
        if (RespReplies.TryWriteFailure(context, results[0]))
        {
            return;
        }

        if (results[0].Value is null)
        {
            context.Writer.WriteNull();
            return;
        }

        context.Writer.WriteError(state == NotInteger ? RespErrors.NotInteger : RespErrors.InvalidExpire("getex"));
    }
}
