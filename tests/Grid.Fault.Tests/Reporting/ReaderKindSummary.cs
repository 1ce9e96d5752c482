namespace Grid.Fault.Tests.Reporting;

/// <summary>The reads of one kind of reader (near cache on or off).</summary>
internal sealed record ReaderKindSummary(
    long Reads,
    long Stale,
    long StaleBeyondWindow,
    long NeverWritten,
    TimeSpan WorstStaleness,
    IReadOnlyList<string> Samples,
    string ClientStatistics);
