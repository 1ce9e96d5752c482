using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>Key commands: DEL, UNLINK, EXISTS, EXPIRE, PEXPIRE (NX/XX/GT/LT), PERSIST, TTL, PTTL, TYPE, DBSIZE.</summary>
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

    /// <summary>EXPIRE/PEXPIRE key n [NX|XX|GT|LT]: a time of zero or less deletes the key (as Redis does).</summary>
    private static long PlanExpire(RespContext context, in RespCall call, long unitMs, string name)
    {
        // Options first, then the number, as Redis checks them.
        var condition = ExpireCondition.None;
        for (int i = 3; i < call.Count; i++)
        {
            var option = call.Is(i, "nx"u8) ? ExpireCondition.Nx
                : call.Is(i, "xx"u8) ? ExpireCondition.Xx
                : call.Is(i, "gt"u8) ? ExpireCondition.Gt
                : call.Is(i, "lt"u8) ? ExpireCondition.Lt
                : ExpireCondition.None;
            if (option == ExpireCondition.None)
            {
                return context.Fail($"ERR Unsupported option {call.Quote(i)}");
            }

            condition |= option;
        }

        if ((condition & ExpireCondition.Nx) != 0 && condition != ExpireCondition.Nx)
        {
            return context.Fail("ERR NX and XX, GT or LT options at the same time are not compatible");
        }

        if ((condition & (ExpireCondition.Gt | ExpireCondition.Lt)) == (ExpireCondition.Gt | ExpireCondition.Lt))
        {
            return context.Fail("ERR GT and LT options at the same time are not compatible");
        }

        if (!call.TryInt64(2, out long amount))
        {
            return context.Fail(RespErrors.NotInteger);
        }

        if (amount > long.MaxValue / unitMs || amount < long.MinValue / unitMs)
        {
            return context.Fail(RespErrors.InvalidExpire(name));
        }

        long ms = amount * unitMs;
        if (condition != ExpireCondition.None)
        {
            // One op: the check of the current expiry and the change run under the partition's lock, as in Redis.
            context.AddOp(new GridOp { Code = OpCode.ExpireIf, Key = call.Bytes(1), Arg0 = ms, Arg1 = (long)condition });
            return 0;
        }

        context.AddOp(ms <= 0
            ? new GridOp { Code = OpCode.Remove, Key = call.Bytes(1) }
            : new GridOp { Code = OpCode.Expire, Key = call.Bytes(1), Arg0 = ms });
        return 0;
    }

    /// <summary>EXPIRE's conditions, numbered as <see cref="OpCode.ExpireIf"/> takes them.</summary>
    [Flags]
    private enum ExpireCondition
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
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
