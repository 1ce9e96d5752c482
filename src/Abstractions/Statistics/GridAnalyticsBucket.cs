namespace Grid;

/// <summary>
/// What one silo did during one time bucket (10 seconds for the recent series, one UTC hour for the history):
/// operations, reads that hit or missed, evictions, expirations and the latency of its operations.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.AnalyticsBucket")]
public sealed record GridAnalyticsBucket
{
    /// <summary>Start of the bucket, Unix time in milliseconds (aligned on the bucket length).</summary>
    [Id(0)] public long StartUnixMs { get; init; }

    /// <summary>How long the bucket covers, in milliseconds: its length, or less for the bucket still in progress.</summary>
    [Id(1)] public long DurationMs { get; init; }

    /// <summary>Operations the silo executed.</summary>
    [Id(2)] public long Operations { get; init; }

    /// <summary>Reads that found their key.</summary>
    [Id(3)] public long Hits { get; init; }

    /// <summary>Reads that did not.</summary>
    [Id(4)] public long Misses { get; init; }

    /// <summary>Entries evicted to stay within the memory budget.</summary>
    [Id(5)] public long Evictions { get; init; }

    /// <summary>Entries that expired.</summary>
    [Id(6)] public long Expirations { get; init; }

    /// <summary>Sum of the recorded operation latencies, in microseconds (for the exact average).</summary>
    [Id(7)] public long LatencySumMicroseconds { get; init; }

    /// <summary>Operations per latency bucket (<see cref="GridLatencyHistogram"/>; <see cref="GridLatencyHistogram.BucketCount"/> long).</summary>
    [Id(8)] public long[] LatencyCounts { get; init; } = [];
}
