using System.Buffers;
using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>
/// MSETNX key value [key value ...]: sets every key only if none exists. The grid sets one key atomically
/// (SET NX); it has no operation that checks and sets several keys under one lock, so MSETNX
/// of more than one distinct key is refused with an error that says so (README: Redis protocol, differences) rather than
/// run in steps that another client could interleave.
/// </summary>
internal static class MSetNxCommand
{
    /// <summary>The answer to MSETNX of several keys.</summary>
    public const string NotAtomic = "ERR MSETNX of more than one key is not supported by the grid: it cannot check and set several keys atomically (one key, or SET key value NX per key, works)";

    public static void Register(RespCommandTable table) =>
        table.Add(RespCommand.Batched("msetnx", -3, Plan, static (context, in _, results, _) =>
        {
            if (!RespReplies.TryWriteFailure(context, results[0]))
            {
                context.Writer.WriteInteger(results[0].Status == ResultStatus.Ok ? 1 : 0);
            }
        }));

    private static long Plan(RespContext context, in RespCall call)
    {
        if (call.Count % 2 == 0)
        {
            return context.Fail(RespErrors.WrongArity("msetnx"));
        }

        // The same key given several times is one key: the last value wins, as in Redis.
        for (int i = 3; i < call.Count; i += 2)
        {
            if (!call[i].ToArray().AsSpan().SequenceEqual(call.Bytes(1)))
            {
                return context.Fail(NotAtomic);
            }
        }

        context.AddOp(new GridOp { Code = OpCode.Set, Key = call.Bytes(1), Value = call.Bytes(call.Count - 1), Flags = OpFlags.IfNotExists });
        return 0;
    }
}
