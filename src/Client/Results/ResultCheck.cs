using Grid.Protocol;

namespace Grid.Client.Results;

/// <summary>Turns a grid answer's error status into the documented exception.</summary>
internal static class ResultCheck
{
    /// <summary>Throws the documented exception for an error status; returns the result otherwise.</summary>
    public static GridResult Check(in GridResult result, string key)
    {
        switch (result.Status)
        {
            case ResultStatus.Ok or ResultStatus.NotFound or ResultStatus.ConditionNotMet:
                return result;
            case ResultStatus.WrongType or ResultStatus.NotInteger:
                throw new GridWrongTypeException(key, $"Key '{Shorten(key)}': {result.Error}", (GridValueType)result.Number);
            case ResultStatus.Overflow:
                throw new GridOverflowException(key, $"Key '{Shorten(key)}': {result.Error}");
            case ResultStatus.InvalidArgument:
                throw new ArgumentException(result.Error);
            case ResultStatus.NotHere or ResultStatus.Unavailable:
                throw new GridUnavailableException($"Key '{Shorten(key)}': {result.Error ?? "the partition could not be reached in time; the operation did not run."}");
            default:
                throw new GridException($"Key '{Shorten(key)}': the grid failed the operation: {result.Error ?? result.Status.ToString()}");
        }
    }

    /// <summary>A key (or tag, pattern) cut to 64 characters for an error message.</summary>
    public static string Shorten(string key) => key.Length <= 64 ? key : string.Concat(key.AsSpan(0, 61), "...");
}
