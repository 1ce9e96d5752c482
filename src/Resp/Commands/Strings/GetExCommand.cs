using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>
/// GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]: the value, and a new expiry (or none) for the key. Without an
/// option it is a GET (batched); with one it reads, then changes the expiry: two steps, each atomic, not the whole.
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

        return context.Defer((c, call) => StepsAsync(c, call, persist, ms));
    }

    private static bool ExpiryUnit(in RespCall call, int j, out long unitMs, out bool absolute)
    {
        absolute = call.Is(j, "exat"u8) || call.Is(j, "pxat"u8);
        unitMs = call.Is(j, "ex"u8) || call.Is(j, "exat"u8) ? 1000 : 1;
        return absolute || call.Is(j, "ex"u8) || call.Is(j, "px"u8);
    }

    /// <summary>Reads the value; when there is one, persists the key, gives it the new time to live, or (an absolute time already past) deletes it.</summary>
    private static async ValueTask StepsAsync(RespContext context, RespCall call, bool persist, long ms)
    {
        byte[] key = call.Bytes(1);
        var read = await context.ExecuteAsync(new GridOp { Code = OpCode.Get, Key = key }).ConfigureAwait(false);
        if (RespReplies.TryWriteFailure(context, read))
        {
            return;
        }

        if (read.Status == ResultStatus.NotFound || read.Value is null)
        {
            context.Writer.WriteNull();
            return;
        }

        var op = persist ? new GridOp { Code = OpCode.Persist, Key = key }
            : ms <= 0 ? new GridOp { Code = OpCode.Remove, Key = key }
            : new GridOp { Code = OpCode.Expire, Key = key, Arg0 = ms };
        var changed = await context.ExecuteAsync(op).ConfigureAwait(false);
        if (!RespReplies.TryWriteFailure(context, changed))
        {
            context.Writer.WriteBulk(read.Value);
        }
    }
}
