namespace Grid.Fault.Tests.Reporting;

/// <summary>Everything one fault-injection run measured: the report row, the details, and what the goals are checked on.</summary>
internal sealed record FaultRunResult
{
    public required string Scenario { get; init; }

    public required bool ErrorsAllowed { get; init; }

    /// <summary>Client calls the load made (all loops, successful or not).</summary>
    public required long Operations { get; init; }

    /// <summary>Exceptions client calls threw during the load, plus calls stalled past the harness bound.</summary>
    public required long CallerVisibleErrors { get; init; }

    /// <summary>By kind: count and first message.</summary>
    public required IReadOnlyList<(string Kind, long Count, string Message)> ErrorsByKind { get; init; }

    /// <summary>Null when the final reads could not all be made.</summary>
    public required long? AcknowledgedWritesLost { get; init; }

    public required long? ExactlyOnceViolations { get; init; }

    /// <summary>Reads during the load, and final values, that nobody wrote.</summary>
    public required long NeverWrittenReads { get; init; }

    public required ReaderKindSummary NearCacheOn { get; init; }

    public required ReaderKindSummary NearCacheOff { get; init; }

    public required IReadOnlyList<EventRecovery> Recoveries { get; init; }

    public required TimeSpan MaxLatency { get; init; }

    public required double MaxLatencyStartedAt { get; init; }

    /// <summary>The timeline: actions, declarations of death, exits, at seconds since the load started.</summary>
    public required IReadOnlyList<string> Timeline { get; init; }

    /// <summary>Everything else worth reading: acknowledged counts, settle, final-read samples and errors.</summary>
    public required IReadOnlyList<string> Details { get; init; }

    /// <summary>Problems of the run itself (a check that could not be made, a load that did nothing): never a pass.</summary>
    public required IReadOnlyList<string> HarnessProblems { get; init; }

    public required double LoadSeconds { get; init; }

    public required double RunSeconds { get; init; }
}
