namespace Grid;

/// <summary>
/// The cluster's figures for one period (a 10-second or an hour bucket, merged across silos, or a whole window):
/// operations, read hits and misses, evictions, expirations and server-side operation latency.
/// </summary>
public sealed record GridAnalyticsPeriod
{
    /// <summary>Start of the period.</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>How long the period covers (less than its length for the period in progress).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Operations the silos executed.</summary>
    public long Operations { get; init; }

    /// <summary>Reads that found their key on the grid.</summary>
    public long Hits { get; init; }

    /// <summary>Reads that did not.</summary>
    public long Misses { get; init; }

    /// <summary>Entries evicted to stay within memory budgets.</summary>
    public long Evictions { get; init; }

    /// <summary>Entries that expired.</summary>
    public long Expirations { get; init; }

    /// <summary>Operations per latency bucket (<see cref="GridLatencyHistogram"/>).</summary>
    public long[] LatencyCounts { get; init; } = new long[GridLatencyHistogram.BucketCount];

    /// <summary>Sum of the recorded latencies, in microseconds.</summary>
    public long LatencySumMicroseconds { get; init; }

    /// <summary>Hits over reads (0 without reads).</summary>
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    /// <summary>Operations per second over <see cref="Duration"/>.</summary>
    public double OperationsPerSecond => Duration <= TimeSpan.Zero ? 0 : Operations / Duration.TotalSeconds;

    /// <summary>Average server-side operation latency in milliseconds (0 when none was recorded).</summary>
    public double AverageLatencyMs
    {
        get
        {
            long count = 0;
            foreach (long c in LatencyCounts)
            {
                count += c;
            }

            return count == 0 ? 0 : LatencySumMicroseconds / 1000.0 / count;
        }
    }

    /// <summary>99th percentile of the server-side operation latency in milliseconds (bucket-interpolated, within about 19 %).</summary>
    public double P99LatencyMs => GridLatencyHistogram.QuantileMilliseconds(LatencyCounts, 0.99);

    /// <summary>
    /// Merges the series of several silos into one: buckets with the same start are added (counts and latency
    /// histograms exactly), and the result is ordered by start.
    /// </summary>
    /// <param name="series">One series per silo (each oldest first).</param>
    public static GridAnalyticsPeriod[] Merge(IEnumerable<IReadOnlyList<GridAnalyticsBucket>> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var byStart = new SortedDictionary<long, Accumulator>();
        foreach (var buckets in series)
        {
            foreach (var bucket in buckets)
            {
                if (!byStart.TryGetValue(bucket.StartUnixMs, out var sum))
                {
                    byStart[bucket.StartUnixMs] = sum = new Accumulator(bucket.StartUnixMs);
                }

                sum.Add(bucket);
            }
        }

        return [.. byStart.Values.Select(a => a.ToPeriod())];
    }

    /// <summary>
    /// One period covering <paramref name="periods"/>: their sums, starting with the first; its duration is the sum
    /// of theirs (a bucket only counts the time its silos recorded, so a silo started mid-hour does not dilute rates).
    /// </summary>
    /// <param name="periods">Consecutive periods ordered by start.</param>
    public static GridAnalyticsPeriod Combine(IReadOnlyList<GridAnalyticsPeriod> periods)
    {
        ArgumentNullException.ThrowIfNull(periods);
        if (periods.Count == 0)
        {
            return new GridAnalyticsPeriod();
        }

        var counts = new long[GridLatencyHistogram.BucketCount];
        long operations = 0, hits = 0, misses = 0, evictions = 0, expirations = 0, latency = 0;
        var duration = TimeSpan.Zero;
        foreach (var p in periods)
        {
            duration += p.Duration;
            operations += p.Operations;
            hits += p.Hits;
            misses += p.Misses;
            evictions += p.Evictions;
            expirations += p.Expirations;
            latency += p.LatencySumMicroseconds;
            GridLatencyHistogram.Merge(counts, p.LatencyCounts);
        }

        return new GridAnalyticsPeriod
        {
            Start = periods[0].Start,
            Duration = duration,
            Operations = operations,
            Hits = hits,
            Misses = misses,
            Evictions = evictions,
            Expirations = expirations,
            LatencySumMicroseconds = latency,
            LatencyCounts = counts,
        };
    }

    private sealed class Accumulator(long start)
    {
        private readonly long[] _counts = new long[GridLatencyHistogram.BucketCount];
        private long _duration;
        private long _operations;
        private long _hits;
        private long _misses;
        private long _evictions;
        private long _expirations;
        private long _latency;

        public void Add(GridAnalyticsBucket bucket)
        {
            _duration = Math.Max(_duration, bucket.DurationMs);
            _operations += bucket.Operations;
            _hits += bucket.Hits;
            _misses += bucket.Misses;
            _evictions += bucket.Evictions;
            _expirations += bucket.Expirations;
            _latency += bucket.LatencySumMicroseconds;
            GridLatencyHistogram.Merge(_counts, bucket.LatencyCounts);
        }

        public GridAnalyticsPeriod ToPeriod() => new()
        {
            Start = DateTimeOffset.FromUnixTimeMilliseconds(start),
            Duration = TimeSpan.FromMilliseconds(_duration),
            Operations = _operations,
            Hits = _hits,
            Misses = _misses,
            Evictions = _evictions,
            Expirations = _expirations,
            LatencySumMicroseconds = _latency,
            LatencyCounts = _counts,
        };
    }
}
