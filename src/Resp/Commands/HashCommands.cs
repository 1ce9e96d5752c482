using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>Hash commands: HSET, HMSET, HGET, HMGET, HGETALL, HDEL, HEXISTS, HLEN, HINCRBY. Grid's hash fields are text: a field must be valid UTF-8 and not empty.</summary>
internal static class HashCommands
{
    public static void Register(RespCommandTable table)
    {
        table.Add(RespCommand.Batched("hset", -4,
            static (context, in call) => PlanSetFields(context, call, "hset"),
            static (context, in _, results, _) => RespReplies.WriteSum(context, results)));
        table.Add(RespCommand.Batched("hmset", -4,
            static (context, in call) => PlanSetFields(context, call, "hmset"),
            static (context, in _, results, _) =>
            {
                if (!RespReplies.TryWriteFirstFailure(context, results))
                {
                    context.Writer.WriteOk();
                }
            }));
        table.Add(RespCommand.Batched("hget", 3,
            static (context, in call) => One(context, call, OpCode.HashGet),
            static (context, in _, results, _) => RespReplies.WriteValue(context, results[0])));
        table.Add(RespCommand.Batched("hmget", -3,
            static (context, in call) =>
            {
                byte[] key = call.Bytes(1);
                for (int i = 2; i < call.Count; i++)
                {
                    if (Field(context, call, i) is not { } field)
                    {
                        return 0;
                    }

                    context.AddOp(new GridOp { Code = OpCode.HashGet, Key = key, Field = field });
                }

                return 0;
            },
            static (context, in _, results, _) =>
            {
                if (RespReplies.TryWriteFirstFailure(context, results))
                {
                    return;
                }

                context.Writer.WriteArrayHeader(results.Length);
                foreach (ref readonly var result in results)
                {
                    if (result.Value is { } value)
                    {
                        context.Writer.WriteBulk(value);
                    }
                    else
                    {
                        context.Writer.WriteNull();
                    }
                }
            }));
        table.Add(RespCommand.Batched("hgetall", 2,
            static (context, in call) => Keyed(context, call, OpCode.HashGetAll),
            static (context, in _, results, _) =>
            {
                if (RespReplies.TryWriteFailure(context, results[0]))
                {
                    return;
                }

                var fields = results[0].Fields ?? [];
                var values = results[0].Values ?? [];
                context.Writer.WriteMapHeader(fields.Length);
                for (int i = 0; i < fields.Length; i++)
                {
                    context.Writer.WriteBulk(fields[i]);
                    context.Writer.WriteBulk(values[i]);
                }
            }));
        table.Add(RespCommand.Batched("hdel", -3,
            static (context, in call) =>
            {
                byte[] key = call.Bytes(1);
                for (int i = 2; i < call.Count; i++)
                {
                    if (Field(context, call, i) is not { } field)
                    {
                        return 0;
                    }

                    context.AddOp(new GridOp { Code = OpCode.HashDelete, Key = key, Field = field });
                }

                return 0;
            },
            static (context, in _, results, _) => RespReplies.WriteSum(context, results)));
        table.Add(RespCommand.Batched("hexists", 3,
            static (context, in call) => One(context, call, OpCode.HashGet),
            static (context, in _, results, _) =>
            {
                if (!RespReplies.TryWriteFailure(context, results[0]))
                {
                    context.Writer.WriteInteger(results[0].Status == ResultStatus.Ok ? 1 : 0);
                }
            }));
        table.Add(RespCommand.Batched("hlen", 2,
            static (context, in call) => Keyed(context, call, OpCode.HashLength),
            static (context, in _, results, _) => RespReplies.WriteNumber(context, results[0])));
        table.Add(RespCommand.Batched("hincrby", 4,
            static (context, in call) =>
            {
                if (!call.TryInt64(3, out long delta))
                {
                    return context.Fail(RespErrors.NotInteger);
                }

                if (Field(context, call, 2) is not { } field)
                {
                    return 0;
                }

                context.AddOp(new GridOp { Code = OpCode.HashIncrement, Key = call.Bytes(1), Field = field, Arg0 = delta });
                return 0;
            },
            static (context, in _, results, _) => RespReplies.WriteNumber(context, results[0], RespErrors.HashNotInteger)));
    }

    /// <summary>HSET/HMSET key field value [field value ...]: one op per field.</summary>
    private static long PlanSetFields(RespContext context, in RespCall call, string name)
    {
        if (call.Count % 2 == 1)
        {
            return context.Fail(RespErrors.WrongArity(name));
        }

        byte[] key = call.Bytes(1);
        for (int i = 2; i < call.Count; i += 2)
        {
            if (Field(context, call, i) is not { } field)
            {
                return 0;
            }

            context.AddOp(new GridOp { Code = OpCode.HashSet, Key = key, Field = field, Value = call.Bytes(i + 1) });
        }

        return 0;
    }

    private static long Keyed(RespContext context, in RespCall call, OpCode code)
    {
        context.AddOp(new GridOp { Code = code, Key = call.Bytes(1) });
        return 0;
    }

    private static long One(RespContext context, in RespCall call, OpCode code)
    {
        if (Field(context, call, 2) is { } field)
        {
            context.AddOp(new GridOp { Code = code, Key = call.Bytes(1), Field = field });
        }

        return 0;
    }

    /// <summary>The field as text; records the command's error (and returns null) when Grid cannot hold it.</summary>
    private static string? Field(RespContext context, in RespCall call, int index)
    {
        ref readonly var raw = ref call[index];
        if (raw.IsEmpty)
        {
            context.Fail("ERR Grid does not support empty hash field names");
            return null;
        }

        byte[] bytes = raw.ToArray();
        if (!Utf8.IsValid(bytes))
        {
            context.Fail("ERR Grid hash field names must be valid UTF-8");
            return null;
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
