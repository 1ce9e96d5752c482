namespace Grid.Fault.Tests.Workload;

/// <summary>Caller-visible errors of one kind: how many, and the first message seen (for the report).</summary>
internal sealed class ErrorTally(string firstMessage)
{
    public long Count { get; set; }

    public string FirstMessage { get; } = firstMessage;

    /// <summary>The name errors are counted under: the exception type (and its inner exception's), or the stall.</summary>
    public static string KindOf<T>(in CallOutcome<T> outcome)
    {
        if (outcome.Result == CallResult.Stalled)
        {
            return "stalled past the harness bound";
        }

        var error = outcome.Error!;
        return error.InnerException is { } inner ? $"{error.GetType().Name} ({inner.GetType().Name})" : error.GetType().Name;
    }

    public static string MessageOf<T>(in CallOutcome<T> outcome)
    {
        if (outcome.Result == CallResult.Stalled)
        {
            return $"no answer within {FaultTimings.OperationBound.TotalSeconds:0} s";
        }

        string message = outcome.Error!.Message.ReplaceLineEndings(" ");
        return message.Length <= 200 ? message : message[..200] + "…";
    }
}
