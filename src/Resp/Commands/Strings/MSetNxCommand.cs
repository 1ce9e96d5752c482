using System.Buffers;
using Grid.Partitioning;
using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>
/// MSETNX key value [key value ...]: sets every key only if none exists, atomically, through the grid's
/// <see cref="OpCode.SetIfNoneExist"/> (one lock hold of one partition). Keys of several partitions cannot be checked
/// and set atomically, so MSETNX needs them in one: the same hash tag (<c>{user:1}:a {user:1}:b</c>), as Redis Cluster
/// asks; otherwise it answers an error that says so (README: Redis protocol, differences).
/// </summary>
internal static class MSetNxCommand
{
    /// <summary>The answer to MSETNX of keys with different hash-slot parts.</summary>
    public const string SeveralPartitions = "ERR MSETNX keys must be in one partition of the grid to be set atomically: give them the same hash tag, as {user:1}:a {user:1}:b";

    public static void Register(RespCommandTable table) =>
        table.Add(RespCommand.Batched("msetnx", -3, Plan, static (context, in _, results, _) => RespReplies.WriteNumber(context, results[0])));

    private static long Plan(RespContext context, in RespCall call)
    {
        if (call.Count % 2 == 0)
        {
            return context.Fail(RespErrors.WrongArity("msetnx"));
        }

        // The first pair is the op's key and value, the others ride in its values.
        byte[] first = call.Bytes(1);
        var values = new byte[call.Count - 3][];
        for (int i = 3; i < call.Count; i += 2)
        {
            byte[] key = call.Bytes(i);
            if (!PartitionHasher.HashSlotPart(key).SequenceEqual(PartitionHasher.HashSlotPart(first)))
            {
                return context.Fail(SeveralPartitions);
            }

            values[i - 3] = key;
            values[i - 2] = call.Bytes(i + 1);
        }

        context.AddOp(new GridOp { Code = OpCode.SetIfNoneExist, Key = first, Value = call.Bytes(2), Values = values.Length == 0 ? null : values });
        return 0;
    }
}
