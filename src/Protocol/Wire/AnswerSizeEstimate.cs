namespace Grid.Protocol.Wire;

/// <summary>
/// The running estimate of answer bytes per operation that clients use to size batches and silos to size result
/// frames before the answers are known: each batch moves it a quarter of the way to its own figure (quick to follow,
/// not jumpy).
/// </summary>
internal static class AnswerSizeEstimate
{
    /// <summary>The estimate after a batch of <paramref name="operations"/> operations answered in <paramref name="bytes"/> bytes.</summary>
    public static int Next(int estimate, int bytes, int operations) =>
        operations > 0 ? estimate + (((bytes / operations) - estimate) / 4) : estimate;
}
