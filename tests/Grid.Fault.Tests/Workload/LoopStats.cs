using System.Diagnostics;

namespace Grid.Fault.Tests.Workload;

/// <summary>
/// What one load loop (a writer or a reader) did: calls, successes per time bucket, the slowest call and the errors
/// by kind. Written by its loop only; read live through the interlocked counters, and in full once the loop ended.
/// </summary>
internal sealed class LoopStats(LoadClock clock, bool reachesGrid)
{
    /// <summary>Enough buckets for the longest run plus a stalled stop; later completions land in the last one.</summary>
    private const int BucketCount = 800;

    private static readonly long BucketTicks = (long)(FaultTimings.Bucket.TotalSeconds * Stopwatch.Frequency);

    private long _operations;
    private long _succeeded;

    /// <summary>Whether every call of this loop goes to the grid (near-cache reads may not, and are left out of throughput).</summary>
    public bool ReachesGrid { get; } = reachesGrid;

    /// <summary>Successful calls per <see cref="FaultTimings.Bucket"/> since the load started, by completion time.</summary>
    public long[] SucceededPerBucket { get; } = new long[BucketCount];

    public long Operations => Volatile.Read(ref _operations);

    public long Succeeded => Volatile.Read(ref _succeeded);

    public TimeSpan MaxLatency { get; private set; }

    /// <summary>When the slowest call started, in seconds since the load started.</summary>
    public double MaxLatencyStartedAt { get; private set; }

    public Dictionary<string, ErrorTally> Errors { get; } = [];

    public long ErrorCount { get; private set; }

    public void Record<T>(in CallOutcome<T> outcome)
    {
        Interlocked.Increment(ref _operations);
        var latency = outcome.Latency;
        if (latency > MaxLatency)
        {
            MaxLatency = latency;
            MaxLatencyStartedAt = clock.SecondsAt(outcome.Start);
        }

        if (outcome.IsOk)
        {
            Interlocked.Increment(ref _succeeded);
            long bucket = Math.Max(0, (outcome.End - clock.StartedAt) / BucketTicks);
            SucceededPerBucket[Math.Min(bucket, BucketCount - 1)]++;
            return;
        }

        ErrorCount++;
        string kind = ErrorTally.KindOf(outcome);
        if (!Errors.TryGetValue(kind, out var tally))
        {
            tally = new ErrorTally(ErrorTally.MessageOf(outcome));
            Errors[kind] = tally;
        }

        tally.Count++;
    }
}
