using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>List commands: LPUSH, RPUSH, LPOP, RPOP (with count), LRANGE, LLEN.</summary>
internal static class ListCommands
{
    /// <summary>State of a pop given a count (answered with an array).</summary>
    private const long WithCount = 1;

    /// <summary>State of a pop of count 0 (answered without asking the grid).</summary>
    private const long ZeroCount = 2;

    public static void Register(RespCommandTable table)
    {
        table.Add(RespCommand.Batched("lpush", -3, static (context, in call) => Push(context, call, OpFlags.Left), ReplyNumber));
        table.Add(RespCommand.Batched("rpush", -3, static (context, in call) => Push(context, call, OpFlags.None), ReplyNumber));
        table.Add(RespCommand.Batched("lpop", -2, static (context, in call) => Pop(context, call, OpFlags.Left, "lpop"), ReplyPop));
        table.Add(RespCommand.Batched("rpop", -2, static (context, in call) => Pop(context, call, OpFlags.None, "rpop"), ReplyPop));
        table.Add(RespCommand.Batched("lrange", 4,
            static (context, in call) =>
            {
                if (!call.TryInt64(2, out long start) || !call.TryInt64(3, out long stop))
                {
                    return context.Fail(RespErrors.NotInteger);
                }

                context.AddOp(new GridOp { Code = OpCode.ListRange, Key = call.Bytes(1), Arg0 = start, Arg1 = stop });
                return 0;
            },
            static (context, in _, results, _) =>
            {
                if (RespReplies.TryWriteFailure(context, results[0]))
                {
                    return;
                }

                var values = results[0].Values ?? [];
                context.Writer.WriteArrayHeader(values.Length);
                foreach (var value in values)
                {
                    context.Writer.WriteBulk(value);
                }
            }));
        table.Add(RespCommand.Batched("llen", 2,
            static (context, in call) =>
            {
                context.AddOp(new GridOp { Code = OpCode.ListLength, Key = call.Bytes(1) });
                return 0;
            },
            ReplyNumber));
    }

    private static void ReplyNumber(RespContext context, in RespCall call, ReadOnlySpan<GridResult> results, long state) =>
        RespReplies.WriteNumber(context, results[0]);

    private static long Push(RespContext context, in RespCall call, OpFlags end)
    {
        var values = new byte[call.Count - 2][];
        for (int i = 2; i < call.Count; i++)
        {
            values[i - 2] = call.Bytes(i);
        }

        context.AddOp(new GridOp { Code = OpCode.ListPush, Key = call.Bytes(1), Values = values, Flags = end });
        return 0;
    }

    private static long Pop(RespContext context, in RespCall call, OpFlags end, string name)
    {
        if (call.Count > 3)
        {
            return context.Fail(RespErrors.WrongArity(name));
        }

        long count = 1;
        if (call.Count == 3 && (!call.TryInt64(2, out count) || count < 0))
        {
            return context.Fail(RespErrors.MustBePositive);
        }

        if (count == 0)
        {
            // The type still matters (a string answers WRONGTYPE): ask for it instead of popping.
            context.AddOp(new GridOp { Code = OpCode.ListLength, Key = call.Bytes(1) });
            return ZeroCount;
        }

        context.AddOp(new GridOp { Code = OpCode.ListPop, Key = call.Bytes(1), Arg0 = Math.Min(count, int.MaxValue), Flags = end });
        return call.Count == 3 ? WithCount : 0;
    }

    private static void ReplyPop(RespContext context, in RespCall call, ReadOnlySpan<GridResult> results, long state)
    {
        var result = results[0];
        if (RespReplies.TryWriteFailure(context, result))
        {
            return;
        }

        if (state == ZeroCount)
        {
            if (result.Number == 0)
            {
                context.Writer.WriteNullArray();
            }
            else
            {
                context.Writer.WriteArrayHeader(0);
            }

            return;
        }

        var values = result.Values ?? [];
        if (result.Status == ResultStatus.NotFound || values.Length == 0)
        {
            if (state == WithCount)
            {
                context.Writer.WriteNullArray();
            }
            else
            {
                context.Writer.WriteNull();
            }

            return;
        }

        if (state != WithCount)
        {
            context.Writer.WriteBulk(values[0]);
            return;
        }

        context.Writer.WriteArrayHeader(values.Length);
        foreach (var value in values)
        {
            context.Writer.WriteBulk(value);
        }
    }
}
