using System.Buffers;
using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>
/// String commands: GET, SET (EX/PX/EXAT/PXAT/NX/XX/KEEPTTL/GET), SETEX, PSETEX, SETNX, GETDEL, GETSET, MGET, MSET,
/// INCR, INCRBY, DECR, DECRBY, APPEND, STRLEN. Each maps onto one grid op; those that read before they write (SET ...
/// GET, KEEPTTL, GETSET, GETDEL, APPEND) use the grid's read-then-write ops (<see cref="OpCode.SetGet"/>,
/// <c>OpFlags.KeepTtl</c>, <see cref="OpCode.GetRemove"/>, <see cref="OpCode.Append"/>), atomic as in Redis.
/// </summary>
internal static class StringCommands
{
    private const long Conditional = 1;
    private const long Removes = 2;
    private const long ReturnsOld = 4;
    private const long AnswersIfAbsent = 8;
    private const long AnswersIfRemoved = 16;

    public static void Register(RespCommandTable table)
    {
        table.Add(RespCommand.Batched("get", 2,
            static (context, in call) => Add(context, OpCode.Get, call.Bytes(1)),
            static (context, in _, results, _) => RespReplies.WriteValue(context, results[0])));
        table.Add(RespCommand.Batched("set", -3, PlanSet, ReplySet));
        table.Add(RespCommand.Batched("setex", 4, static (context, in call) => PlanSetWithTtl(context, call, 1000, "setex"), ReplySet));
        table.Add(RespCommand.Batched("psetex", 4, static (context, in call) => PlanSetWithTtl(context, call, 1, "psetex"), ReplySet));
        table.Add(RespCommand.Batched("setnx", 3,
            static (context, in call) =>
            {
                context.AddOp(new GridOp { Code = OpCode.Set, Key = call.Bytes(1), Value = call.Bytes(2), Flags = OpFlags.IfNotExists });
                return 0;
            },
            static (context, in _, results, _) =>
            {
                if (!RespReplies.TryWriteFailure(context, results[0]))
                {
                    context.Writer.WriteInteger(results[0].Status == ResultStatus.Ok ? 1 : 0);
                }
            }));
        table.Add(RespCommand.Batched("getdel", 2,
            static (context, in call) => Add(context, OpCode.GetRemove, call.Bytes(1)),
            static (context, in _, results, _) => RespReplies.WriteValue(context, results[0])));
        table.Add(RespCommand.Batched("getset", 3,
            static (context, in call) =>
            {
                context.AddOp(new GridOp { Code = OpCode.SetGet, Key = call.Bytes(1), Value = call.Bytes(2) });
                return ReturnsOld;
            },
            ReplySet));
        table.Add(RespCommand.Batched("mget", -2,
            static (context, in call) =>
            {
                for (int i = 1; i < call.Count; i++)
                {
                    Add(context, OpCode.Get, call.Bytes(i));
                }

                return 0;
            },
            static (context, in _, results, _) =>
            {
                // A key holding another type reads as nil, as in Redis; only a failure to run is an error.
                if (RespReplies.TryWriteFirstFailure(context, results, wrongTypeIsFailure: false))
                {
                    return;
                }

                context.Writer.WriteArrayHeader(results.Length);
                foreach (ref readonly var result in results)
                {
                    if (result.Status == ResultStatus.Ok && result.Value is { } value)
                    {
                        context.Writer.WriteBulk(value);
                    }
                    else
                    {
                        context.Writer.WriteNull();
                    }
                }
            }));
        table.Add(RespCommand.Batched("mset", -3,
            static (context, in call) =>
            {
                if (call.Count % 2 == 0)
                {
                    return context.Fail(RespErrors.WrongArity("mset"));
                }

                for (int i = 1; i < call.Count; i += 2)
                {
                    context.AddOp(new GridOp { Code = OpCode.Set, Key = call.Bytes(i), Value = call.Bytes(i + 1) });
                }

                return 0;
            },
            static (context, in _, results, _) =>
            {
                if (!RespReplies.TryWriteFirstFailure(context, results))
                {
                    context.Writer.WriteOk();
                }
            }));
        table.Add(RespCommand.Batched("incr", 2, static (context, in call) => AddIncrement(context, call.Bytes(1), 1), ReplyNumber));
        table.Add(RespCommand.Batched("decr", 2, static (context, in call) => AddIncrement(context, call.Bytes(1), -1), ReplyNumber));
        table.Add(RespCommand.Batched("incrby", 3,
            static (context, in call) => call.TryInt64(2, out long delta) ? AddIncrement(context, call.Bytes(1), delta) : context.Fail(RespErrors.NotInteger),
            ReplyNumber));
        table.Add(RespCommand.Batched("decrby", 3,
            static (context, in call) =>
            {
                if (!call.TryInt64(2, out long delta))
                {
                    return context.Fail(RespErrors.NotInteger);
                }

                return delta == long.MinValue ? context.Fail("ERR decrement would overflow") : AddIncrement(context, call.Bytes(1), -delta);
            },
            ReplyNumber));
        table.Add(RespCommand.Batched("append", 3,
            static (context, in call) =>
            {
                context.AddOp(new GridOp { Code = OpCode.Append, Key = call.Bytes(1), Value = call.Bytes(2), Arg0 = context.Grid.MaxValueBytes });
                return 0;
            },
            ReplyNumber));
        table.Add(RespCommand.Batched("strlen", 2,
            static (context, in call) => Add(context, OpCode.Get, call.Bytes(1)),
            static (context, in _, results, _) =>
            {
                if (!RespReplies.TryWriteFailure(context, results[0]))
                {
                    context.Writer.WriteInteger(results[0].Value?.Length ?? 0);
                }
            }));
    }

    private static long Add(RespContext context, OpCode code, byte[] key)
    {
        context.AddOp(new GridOp { Code = code, Key = key });
        return 0;
    }

    private static long AddIncrement(RespContext context, byte[] key, long delta)
    {
        context.AddOp(new GridOp { Code = OpCode.Increment, Key = key, Arg0 = delta });
        return 0;
    }

    private static void ReplyNumber(RespContext context, in RespCall call, ReadOnlySpan<GridResult> results, long state) =>
        RespReplies.WriteNumber(context, results[0]);

    private static long PlanSetWithTtl(RespContext context, in RespCall call, long unitMs, string name)
    {
        if (!call.TryInt64(2, out long amount))
        {
            return context.Fail(RespErrors.NotInteger);
        }

        if (amount <= 0 || amount > long.MaxValue / unitMs)
        {
            return context.Fail(RespErrors.InvalidExpire(name));
        }

        context.AddOp(new GridOp { Code = OpCode.Set, Key = call.Bytes(1), Value = call.Bytes(3), Arg0 = amount * unitMs });
        return 0;
    }

    /// <summary>
    /// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL] [TAGS tag ...], checked as Redis 7 checks it.
    /// TAGS is the grid's: every argument after it is a tag the entry carries (GRID.INVALIDATETAG removes it).
    /// </summary>
    private static long PlanSet(RespContext context, in RespCall call)
    {
        var flags = OpFlags.None;
        bool get = false;
        bool keepTtl = false;
        var expiry = default(ExpiryArgument);
        string[]? tags = null;
        for (int j = 3; j < call.Count; j++)
        {
            bool hasNext = j + 1 < call.Count;
            if (call.Is(j, "tags"u8) && hasNext)
            {
                tags = new string[call.Count - j - 1];
                for (int t = 0; t < tags.Length; t++)
                {
                    tags[t] = call.Text(j + 1 + t);
                }

                break;
            }

            if (call.Is(j, "nx"u8) && (flags & OpFlags.IfExists) == 0)
            {
                flags |= OpFlags.IfNotExists;
            }
            else if (call.Is(j, "xx"u8) && (flags & OpFlags.IfNotExists) == 0)
            {
                flags |= OpFlags.IfExists;
            }
            else if (call.Is(j, "get"u8))
            {
                get = true;
            }
            else if (call.Is(j, "keepttl"u8) && !expiry.IsGiven)
            {
                keepTtl = true;
            }
            else if (hasNext && !keepTtl && ExpiryArgument.UnitAt(call, j) is var unit and not ExpiryUnit.None && expiry.Accepts(unit))
            {
                // The same option again replaces the number (the last one counts); another one is a syntax error.
                expiry = new ExpiryArgument(unit, ++j);
            }
            else
            {
                return context.Fail(RespErrors.Syntax);
            }
        }

        long ttlMs = 0;
        if (expiry.IsGiven && expiry.TryTimeToLive(call, context.NowMs, "set", out ttlMs) is { } error)
        {
            return context.Fail(error);
        }

        if (expiry.IsGiven && ttlMs <= 0)
        {
            return PlanSetAlreadyExpired(context, call, flags, get);
        }

        if (get || keepTtl)
        {
            context.AddOp(new GridOp
            {
                Code = get ? OpCode.SetGet : OpCode.Set,
                Key = call.Bytes(1),
                Value = call.Bytes(2),
                Arg0 = ttlMs,
                Flags = flags | (keepTtl ? OpFlags.KeepTtl : OpFlags.None),
                Tags = tags,
            });
            return get ? ReturnsOld : flags == OpFlags.None ? 0 : Conditional;
        }

        context.AddOp(new GridOp { Code = OpCode.Set, Key = call.Bytes(1), Value = call.Bytes(2), Arg0 = ttlMs, Flags = flags, Tags = tags });
        return flags == OpFlags.None ? 0 : Conditional;
    }

    /// <summary>
    /// SET with an absolute expiry already past. Redis checks NX/XX first: when they stop the write nothing changes and
    /// the answer is nil (or the old value with GET); otherwise the key is set and gone at once, so the write is a
    /// removal. NX lets it happen only where there is no key, so it never changes anything: an existence check answers it.
    /// </summary>
    private static long PlanSetAlreadyExpired(RespContext context, in RespCall call, OpFlags flags, bool get)
    {
        if (get)
        {
            // The old value first (WRONGTYPE stops everything, as in Redis), then the removal if the condition lets it.
            var conditions = flags;
            return context.Defer((c, call) => SetGetAlreadyExpiredAsync(c, call, conditions));
        }

        if ((flags & OpFlags.IfNotExists) != 0)
        {
            context.AddOp(new GridOp { Code = OpCode.Exists, Key = call.Bytes(1) });
            return AnswersIfAbsent;
        }

        context.AddOp(new GridOp { Code = OpCode.Remove, Key = call.Bytes(1) });
        return (flags & OpFlags.IfExists) != 0 ? AnswersIfRemoved : Removes;
    }

    private static void ReplySet(RespContext context, in RespCall call, ReadOnlySpan<GridResult> results, long state)
    {
        if (RespReplies.TryWriteFailure(context, results[0]))
        {
            return;
        }

        if (state == ReturnsOld)
        {
            // SET ... GET and GETSET answer the old value, whether or not the condition let the write happen.
            if (results[0].Value is { } old)
            {
                context.Writer.WriteBulk(old);
            }
            else
            {
                context.Writer.WriteNull();
            }
        }
        else if ((results[0].Status == ResultStatus.ConditionNotMet && state == Conditional)
            || (state == AnswersIfAbsent && results[0].Number > 0)
            || (state == AnswersIfRemoved && results[0].Number == 0))
        {
            context.Writer.WriteNull();
        }
        else
        {
            context.Writer.WriteOk();
        }
    }

    /// <summary>
    /// SET ... GET with an absolute expiry already past: the old value (WRONGTYPE stops it, as in Redis), then the key
    /// removed where NX/XX let the write happen (two steps: the write would leave no key, so only a key there is removed).
    /// </summary>
    private static async ValueTask SetGetAlreadyExpiredAsync(RespContext context, RespCall call, OpFlags conditions)
    {
        byte[] key = call.Bytes(1);
        var read = await context.ExecuteAsync(new GridOp { Code = OpCode.Get, Key = key }).ConfigureAwait(false);
        if (RespReplies.TryWriteFailure(context, read))
        {
            return;
        }

        bool found = read.Value is not null;
        bool writes = (conditions & OpFlags.IfNotExists) != 0 ? !found : (conditions & OpFlags.IfExists) == 0 || found;
        if (writes && found)
        {
            var removed = await context.ExecuteAsync(new GridOp { Code = OpCode.Remove, Key = key }).ConfigureAwait(false);
            if (RespReplies.TryWriteFailure(context, removed))
            {
                return;
            }
        }

        if (read.Value is { } old)
        {
            context.Writer.WriteBulk(old);
        }
        else
        {
            context.Writer.WriteNull();
        }
    }
}
