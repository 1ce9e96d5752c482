using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>The answers a store gives that carry no data, shared (they are immutable), and the wrong-type error.</summary>
internal static class StoreResults
{
    public static readonly GridResult NotHere = GridResult.OfStatus(ResultStatus.NotHere);
    public static readonly GridResult NotFound = GridResult.OfStatus(ResultStatus.NotFound);
    public static readonly GridResult ConditionNotMet = GridResult.OfStatus(ResultStatus.ConditionNotMet);
    public static readonly GridResult PartitionFull = GridResult.Failure(ResultStatus.Error, $"The partition holds {RecordTable.MaxEntries} entries, its maximum.");
    public static readonly GridResult AlreadyCompleted = GridResult.Failure(ResultStatus.Error, "The request was already completed by its client; this late copy of an abandoned call did not run.");

    /// <summary><paramref name="operation"/> met a value of another type (the type goes back in the result's number).</summary>
    public static GridResult WrongType(string operation, GridValueType actual) =>
        GridResult.Failure(ResultStatus.WrongType, $"{operation} does not apply to the {actual.ToString().ToLowerInvariant()} held at this key.") with { Number = (long)actual };
}
