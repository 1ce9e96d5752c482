using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>Key commands: DEL, UNLINK, EXISTS, EXPIRE, PEXPIRE, PERSIST, TTL, PTTL, TYPE, DBSIZE.</summary>
internal static class KeyCommands
{
    public static void Register(RespCommandTable table)
    {
        table.Add(RespCommand.Batched("del", -2, static (context, in call) => PerKey(context, call, OpCode.Remove), static (context, in _, results, _) => RespReplies.WriteSum(context, results)));
        table.Add(RespCommand.Batched("unlink", -2, static (context, in call) => PerKey(context, call, OpCode.Remove), static (context, in _, results, _) => RespReplies.WriteSum(context, results)));
        table.Add(RespCommand.Batched("exists", -2, static (context, in call) => PerKey(context, call, OpCode.Exists), static (context, in _, results, _) => RespReplies.WriteSum(context, results)));
        table.Add(RespCommand.Batched("expire", -3, static (context, in call) => PlanExpire(context, call, 1000, "expire"), ReplyNumber));
        table.Add(RespCommand.Batched("pexpire", -3, static (context, in call) => PlanExpire(context, call, 1, "pexpire"), ReplyNumber));
        table.Add(RespCommand.Batched("persist", 2, static (context, in call) => One(context, OpCode.Persist, call.Bytes(1)), ReplyNumber));
        table.Add(RespCommand.Batched("ttl", 2, static (context, in call) => One(context, OpCode.TimeToLive, call.Bytes(1)), static (context, in _, results, _) => ReplyTtl(context, results[0], 1000)));
        table.Add(RespCommand.Batched("pttl", 2, static (context, in call) => One(context, OpCode.TimeToLive, call.Bytes(1)), static (context, in _, results, _) => ReplyTtl(context, results[0], 1)));
        table.Add(RespCommand.Batched("type", 2, static (context, in call) => One(context, OpCode.Type, call.Bytes(1)), static (context, in _, results, _) =>
        {
            if (RespReplies.TryWriteFailure(context, results[0]))
            {
                return;
            }

            context.Writer.WriteSimple((GridValueType)results[0].Number switch
            {
                GridValueType.String or GridValueType.Counter => "string"u8,
                GridValueType.Hash => "hash"u8,
                GridValueType.List => "list"u8,
                _ => "none"u8,
            });
        }));
        table.Add(RespCommand.Sequential("dbsize", 1, DbSizeAsync));
    }

    private static long One(RespContext context, OpCode code, byte[] key)
    {
        context.AddOp(new GridOp { Code = code, Key = key });
        return 0;
    }

    private static long PerKey(RespContext context, in RespCall call, OpCode code)
    {
        for (int i = 1; i < call.Count; i++)
        {
            context.AddOp(new GridOp { Code = code, Key = call.Bytes(i) });
        }

        return 0;
    }

    private static void ReplyNumber(RespContext context, in RespCall call, ReadOnlySpan<GridResult> results, long state) =>
        RespReplies.WriteNumber(context, results[0]);

    /// <summary>EXPIRE/PEXPIRE key n: a time of zero or less deletes the key (as Redis does); NX/XX/GT/LT are not supported yet.</summary>
    private static long PlanExpire(RespContext context, in RespCall call, long unitMs, string name)
    {
        if (!call.TryInt64(2, out long amount))
        {
            return context.Fail(RespErrors.NotInteger);
        }

        if (call.Count > 3)
        {
            for (int i = 3; i < call.Count; i++)
            {
                if (!(call.Is(i, "nx"u8) || call.Is(i, "xx"u8) || call.Is(i, "gt"u8) || call.Is(i, "lt"u8)))
                {
                    return context.Fail($"ERR Unsupported option {call.Text(i)}");
                }
            }

            return context.Fail($"ERR the NX, XX, GT and LT options of '{name}' are not supported by Grid yet");
        }

        if (amount > long.MaxValue / unitMs || amount < long.MinValue / unitMs)
        {
            return context.Fail(RespErrors.InvalidExpire(name));
        }

        long ms = amount * unitMs;
        context.AddOp(ms <= 0
            ? new GridOp { Code = OpCode.Remove, Key = call.Bytes(1) }
            : new GridOp { Code = OpCode.Expire, Key = call.Bytes(1), Arg0 = ms });
        return 0;
    }

    /// <summary>TTL (seconds, rounded as Redis rounds) or PTTL: -2 when missing, -1 without expiry.</summary>
    private static void ReplyTtl(RespContext context, in GridResult result, long unitMs)
    {
        if (RespReplies.TryWriteFailure(context, result))
        {
            return;
        }

        if (result.Status == ResultStatus.NotFound)
        {
            context.Writer.WriteInteger(-2);
        }
        else if (result.Number < 0)
        {
            context.Writer.WriteInteger(-1);
        }
        else
        {
            context.Writer.WriteInteger(unitMs == 1 ? result.Number : (result.Number + 500) / 1000);
        }
    }

    /// <summary>DBSIZE: the entries of every silo's partitions (replicas not counted).</summary>
    private static async ValueTask DbSizeAsync(RespContext context, RespCall call)
    {
        try
        {
            var silos = await context.Grid.Cache.GetSiloStatisticsAsync().ConfigureAwait(false);
            long entries = 0;
            foreach (var silo in silos)
            {
                entries += silo.Entries;
            }

            context.Writer.WriteInteger(entries);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Writer.WriteError("ERR " + ex.Message);
        }
    }
}
