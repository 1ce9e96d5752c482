using System.Text;
using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>The silo's own check of every incoming operation (clients check too, but a silo trusts no client).</summary>
internal static class OpValidator
{
    /// <summary>False with an <see cref="ResultStatus.InvalidArgument"/> result when the operation is malformed or over a limit.</summary>
    public static bool TryGetError(GridOp op, GridLimits limits, out GridResult error)
    {
        string? message = Check(op, limits);
        error = message is null ? default : GridResult.Failure(ResultStatus.InvalidArgument, message);
        return message is not null;
    }

    private static string? Check(GridOp op, GridLimits limits)
    {
        if (op is null)
        {
            return "The operation is missing.";
        }

        if (GridValidation.KeyError(op.Key, limits) is { } keyError)
        {
            return keyError;
        }

        if (op.Value is { Length: var length } && length > limits.MaxValueBytes)
        {
            return $"The value is {length} bytes, larger than MaxValueBytes ({limits.MaxValueBytes}).";
        }

        switch (op.Code)
        {
            case OpCode.Get or OpCode.Remove or OpCode.Exists or OpCode.Persist or OpCode.TimeToLive or OpCode.Increment or OpCode.Type:
                return null;
            case OpCode.Set:
                return CheckOptionalSpan(op.Arg0, limits, "time to live")
                    ?? CheckOptionalSpan(op.Arg1, limits, "sliding expiration")
                    ?? (op.Value is null ? "A set needs a value." : null)
                    ?? CheckTags(op.Tags, limits)
                    ?? CheckCondition(op.Flags);
            case OpCode.Expire:
                return GridValidation.MillisecondsError(op.Arg0, limits, "time to live");
            case OpCode.HashSet:
                return CheckField(op.Field, limits) ?? (op.Value is null ? "A hash set needs a value." : null);
            case OpCode.HashGet or OpCode.HashDelete or OpCode.HashIncrement:
                return CheckField(op.Field, limits);
            case OpCode.HashGetAll or OpCode.HashLength or OpCode.ListLength or OpCode.ListRange:
                return null;
            case OpCode.ListPush:
                return CheckValues(op.Values, limits);
            case OpCode.ListPop:
                return op.Arg0 is < 1 or > int.MaxValue ? "A list pop count must be between 1 and 2147483647." : null;
            default:
                return $"Unknown operation code {(byte)op.Code}.";
        }
    }

    private static string? CheckOptionalSpan(long ms, GridLimits limits, string what) =>
        ms == 0 ? null : GridValidation.MillisecondsError(ms, limits, what);

    private static string? CheckCondition(OpFlags flags) =>
        (flags & (OpFlags.IfExists | OpFlags.IfNotExists)) == (OpFlags.IfExists | OpFlags.IfNotExists)
            ? "A set cannot be both only-if-exists and only-if-not-exists."
            : null;

    private static string? CheckField(string? field, GridLimits limits)
    {
        if (string.IsNullOrEmpty(field))
        {
            return "A hash field must not be empty.";
        }

        return Encoding.UTF8.GetByteCount(field) > limits.MaxKeyBytes ? $"The hash field is longer than MaxKeyBytes ({limits.MaxKeyBytes})." : null;
    }

    private static string? CheckTags(string[]? tags, GridLimits limits)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Length > limits.MaxTagsPerEntry)
        {
            return $"An entry may carry at most {limits.MaxTagsPerEntry} tags (MaxTagsPerEntry); this one has {tags.Length}.";
        }

        foreach (var tag in tags)
        {
            if (string.IsNullOrEmpty(tag))
            {
                return "A tag must not be empty.";
            }

            if (Encoding.UTF8.GetByteCount(tag) > limits.MaxKeyBytes)
            {
                return $"A tag is longer than MaxKeyBytes ({limits.MaxKeyBytes}).";
            }
        }

        return null;
    }

    private static string? CheckValues(byte[][]? values, GridLimits limits)
    {
        if (values is null || values.Length == 0)
        {
            return "A list push needs at least one value.";
        }

        if (values.Length > limits.MaxKeysPerCall)
        {
            return $"A list push may carry at most {limits.MaxKeysPerCall} values (MaxKeysPerCall); this one has {values.Length}.";
        }

        long total = 0;
        foreach (var value in values)
        {
            if (value is null)
            {
                return "A list value must not be null.";
            }

            total += value.Length;
            if (value.Length > limits.MaxValueBytes)
            {
                return $"A list value is {value.Length} bytes, larger than MaxValueBytes ({limits.MaxValueBytes}).";
            }
        }

        return total > limits.MaxValueBytes ? $"A list push carries {total} bytes in all, more than MaxValueBytes ({limits.MaxValueBytes})." : null;
    }
}
