using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>Replies shared by the commands: a failed result's Redis error.</summary>
internal static class RespReplies
{
    /// <summary>
    /// Writes the error of a failed result and returns true; false (nothing written) for a result the command answers
    /// itself (done, not found, condition not met). <paramref name="notInteger"/> is the command's word for a value
    /// that is not an integer.
    /// </summary>
    public static bool TryWriteFailure(RespContext context, in GridResult result, string notInteger = RespErrors.NotInteger)
    {
        switch (result.Status)
        {
            case ResultStatus.Ok or ResultStatus.NotFound or ResultStatus.ConditionNotMet:
                return false;
            case ResultStatus.WrongType:
                context.Writer.WriteError(RespErrors.WrongType);
                return true;
            case ResultStatus.NotInteger:
                context.Writer.WriteError(notInteger);
                return true;
            case ResultStatus.Overflow:
                context.Writer.WriteError(RespErrors.Overflow);
                return true;
            default:
                context.Writer.WriteError("ERR " + (result.Error ?? result.Status.ToString()));
                return true;
        }
    }

    /// <summary>The first result that is an error (other than not found / condition not met); false when none.</summary>
    public static bool TryWriteFirstFailure(RespContext context, ReadOnlySpan<GridResult> results, bool wrongTypeIsFailure = true)
    {
        foreach (ref readonly var result in results)
        {
            if (!wrongTypeIsFailure && result.Status == ResultStatus.WrongType)
            {
                continue;
            }

            if (TryWriteFailure(context, result))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The sum of the results' numbers (DEL, EXISTS, HDEL, HSET), or their first error.</summary>
    public static void WriteSum(RespContext context, ReadOnlySpan<GridResult> results)
    {
        if (TryWriteFirstFailure(context, results))
        {
            return;
        }

        long sum = 0;
        foreach (ref readonly var result in results)
        {
            sum += result.Number;
        }

        context.Writer.WriteInteger(sum);
    }

    /// <summary>A number result, or its error.</summary>
    public static void WriteNumber(RespContext context, in GridResult result, string notInteger = RespErrors.NotInteger)
    {
        if (!TryWriteFailure(context, result, notInteger))
        {
            context.Writer.WriteInteger(result.Number);
        }
    }

    /// <summary>A value result (null when not found), or its error.</summary>
    public static void WriteValue(RespContext context, in GridResult result)
    {
        if (TryWriteFailure(context, result))
        {
            return;
        }

        if (result.Status == ResultStatus.NotFound || result.Value is null)
        {
            context.Writer.WriteNull();
        }
        else
        {
            context.Writer.WriteBulk(result.Value);
        }
    }
}
