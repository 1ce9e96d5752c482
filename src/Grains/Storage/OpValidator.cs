using System.Text.Unicode;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>The silo's own check of every incoming operation (clients check too, but a silo trusts no client).</summary>
internal static class OpValidator
{
    /// <summary>False with an <see cref="ResultStatus.InvalidArgument"/> result when the operation is malformed or over a limit.</summary>
    public static bool TryGetError(in OpView op, GridLimits limits, out GridResult error)
    {
        string? message = Check(op, limits);
        error = message is null ? default : GridResult.Failure(ResultStatus.InvalidArgument, message);
        return message is not null;
    }

    /// <summary>Checks an operation given as a <see cref="GridOp"/> (the same check, through a one-op frame).</summary>
    public static bool TryGetError(GridOp op, GridLimits limits, out GridResult error)
    {
        var reader = new OpFrameReader(OpFrame.Encode([op]));
        reader.TryRead(out var view, out _, out _);
        return TryGetError(view, limits, out error);
    }

    private static string? Check(in OpView op, GridLimits limits)
    {
        if (GridValidation.KeyError(op.Key, limits) is { } keyError)
        {
            return keyError;
        }

        if (op.Value.Length > limits.MaxValueBytes)
        {
            return $"The value is {op.Value.Length} bytes, larger than MaxValueBytes ({limits.MaxValueBytes}).";
        }

        if ((op.Flags & (OpFlags.IfVersion | OpFlags.WithVersion)) != 0 && op.Code is OpCode.LeaseAcquire or OpCode.LeaseRelease or OpCode.RemoveTagged or OpCode.SetIfNoneExist)
        {
            return $"Operation {op.Code} does not take or report an entry version.";
        }

        switch (op.Code)
        {
            case OpCode.Get or OpCode.Remove or OpCode.Exists or OpCode.Persist or OpCode.TimeToLive or OpCode.Increment or OpCode.Type or OpCode.GetRemove:
                return null;
            case OpCode.Append:
                return !op.HasValue ? "An append needs a value."
                    : op.Arg0 < 1 || op.Arg0 > limits.MaxValueBytes ? $"An append's longest value must be between 1 and MaxValueBytes ({limits.MaxValueBytes})."
                    : null;
            case OpCode.SetIfNoneExist:
                return CheckPairs(op, limits);
            case OpCode.GetExpire:
                return op.Arg0 > 0 ? GridValidation.MillisecondsError(op.Arg0, limits, "time to live") : null;
            case OpCode.ExpireIf:
                return (op.Arg0 > 0 ? GridValidation.MillisecondsError(op.Arg0, limits, "time to live") : null)
                    ?? (op.Arg1 is 1 or 2 or 4 or 8 or 6 or 10 ? null : "An expire condition must be NX, XX, GT, LT, XX with GT, or XX with LT.");
            case OpCode.Set or OpCode.SetGet:
                return CheckOptionalSpan(op.Arg0, limits, "time to live")
                    ?? CheckOptionalSpan(op.Arg1, limits, "sliding expiration")
                    ?? (op.HasValue ? null : "A set needs a value.")
                    ?? TagBlock.Error(op.Tags, limits)
                    ?? CheckCondition(op.Flags);
            case OpCode.Expire:
                return GridValidation.MillisecondsError(op.Arg0, limits, "time to live");
            case OpCode.HashSet:
                return CheckField(op, limits) ?? (op.HasValue ? null : "A hash set needs a value.");
            case OpCode.HashGet or OpCode.HashDelete or OpCode.HashIncrement:
                return CheckField(op, limits);
            case OpCode.HashGetAll or OpCode.HashLength or OpCode.ListLength or OpCode.ListRange:
                return null;
            case OpCode.ListPush:
                return CheckValues(op, limits);
            case OpCode.LeaseAcquire:
                return GridValidation.MillisecondsError(op.Arg0, limits, "lease duration") ?? CheckOwner(op);
            case OpCode.LeaseRelease:
                return CheckOwner(op);
            case OpCode.RemoveTagged:
                return op.Tags.IsEmpty || op.Tags[0] != 1 ? "A tag-checked remove needs exactly one tag." : TagBlock.Error(op.Tags, limits);
            case OpCode.ListPop:
                return op.Arg0 is < 1 or > int.MaxValue ? "A list pop count must be between 1 and 2147483647." : null;
            default:
                return $"Unknown operation code {(byte)op.Code}.";
        }
    }

    /// <summary>MSETNX's pairs: the op's key and value, then whole further pairs, every key valid and in the op key's partition (same hash-slot part).</summary>
    private static string? CheckPairs(in OpView op, GridLimits limits)
    {
        if (!op.HasValue)
        {
            return "A set-if-none-exist needs a value.";
        }

        if (op.ValueCount % 2 != 0 || op.ValueCount >= 2L * limits.MaxKeysPerCall)
        {
            return $"A set-if-none-exist needs 1 to {limits.MaxKeysPerCall} key-value pairs (MaxKeysPerCall).";
        }

        var slot = Grid.Partitioning.PartitionHasher.HashSlotPart(op.Key);
        bool isKey = true;
        foreach (var item in op.Values)
        {
            if (isKey)
            {
                if (GridValidation.KeyError(item, limits) is { } keyError)
                {
                    return keyError;
                }

                if (!Grid.Partitioning.PartitionHasher.HashSlotPart(item).SequenceEqual(slot))
                {
                    return "Every key of a set-if-none-exist must be in the op key's partition: the same hash tag ({...}) or the same key.";
                }
            }
            else if (item.Length > limits.MaxValueBytes)
            {
                return $"The value is {item.Length} bytes, larger than MaxValueBytes ({limits.MaxValueBytes}).";
            }

            isKey = !isKey;
        }

        return null;
    }

    private static string? CheckOwner(in OpView op) =>
        op.Value.Length is < 1 or > 64 ? "A lease owner must be 1 to 64 bytes." : null;

    private static string? CheckOptionalSpan(long ms, GridLimits limits, string what) =>
        ms == 0 ? null : GridValidation.MillisecondsError(ms, limits, what);

    private static string? CheckCondition(OpFlags flags) =>
        (flags & (OpFlags.IfExists | OpFlags.IfNotExists)) == (OpFlags.IfExists | OpFlags.IfNotExists)
            ? "A set cannot be both only-if-exists and only-if-not-exists."
            : null;

    private static string? CheckField(in OpView op, GridLimits limits)
    {
        if (!op.HasField || op.Field.IsEmpty)
        {
            return "A hash field must not be empty.";
        }

        if (op.Field.Length > limits.MaxKeyBytes)
        {
            return $"The hash field is longer than MaxKeyBytes ({limits.MaxKeyBytes}).";
        }

        return Utf8.IsValid(op.Field) ? null : "The hash field is not valid UTF-8.";
    }

    private static string? CheckValues(in OpView op, GridLimits limits)
    {
        if (op.ValueCount == 0)
        {
            return "A list push needs at least one value.";
        }

        if (op.ValueCount > limits.MaxKeysPerCall)
        {
            return $"A list push may carry at most {limits.MaxKeysPerCall} values (MaxKeysPerCall); this one has {op.ValueCount}.";
        }

        long total = 0;
        foreach (var value in op.Values)
        {
            total += value.Length;
            if (value.Length > limits.MaxValueBytes)
            {
                return $"A list value is {value.Length} bytes, larger than MaxValueBytes ({limits.MaxValueBytes}).";
            }
        }

        return total > limits.MaxValueBytes ? $"A list push carries {total} bytes in all, more than MaxValueBytes ({limits.MaxValueBytes})." : null;
    }
}
