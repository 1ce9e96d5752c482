namespace Grid.Grains.Metrics;

/// <summary>Cumulative figures of a silo at one moment; analytics buckets hold the differences between two of them.</summary>
internal sealed record AnalyticsTotals(long Operations, long Hits, long Misses, long Evictions, long Expirations, long LatencySum, long[] LatencyCounts)
{
    public static AnalyticsTotals Zero { get; } = new(0, 0, 0, 0, 0, 0, new long[GridLatencyHistogram.BucketCount]);
}

/// <summary>
/// A bounded ring of time buckets of one length (aligned on multiples of it, in Unix time): figures added at a moment
/// go to the bucket holding that moment; a new bucket pushes the oldest out. Not thread-safe: its owner locks.
/// </summary>
internal sealed class AnalyticsSeries(long bucketMs, int capacity)
{
    private readonly Queue<Bucket> _buckets = new(capacity + 1);
    private Bucket? _last;

    public long BucketMs => bucketMs;

    public int Capacity => capacity;

    /// <summary>Adds the figures of <paramref name="delta"/> (differences of totals) to the bucket of <paramref name="nowMs"/>.</summary>
    public void Add(long nowMs, AnalyticsTotals delta)
    {
        long start = nowMs - (((nowMs % bucketMs) + bucketMs) % bucketMs);
        if (_last is null || start > _last.Start)
        {
            _last = new Bucket(start);
            _buckets.Enqueue(_last);
            while (_buckets.Count > capacity)
            {
                _buckets.Dequeue();
            }
        }

        // A clock that went back adds to the newest bucket rather than rewriting history.
        _last.Add(delta);
    }

    /// <summary>
    /// The buckets within the ring's window before <paramref name="nowMs"/>, oldest first; a bucket's duration counts
    /// only the time since <paramref name="sinceMs"/> (when recording began) and up to now.
    /// </summary>
    public GridAnalyticsBucket[] Snapshot(long nowMs, long sinceMs = long.MinValue)
    {
        long oldest = nowMs - (bucketMs * capacity);
        var list = new List<GridAnalyticsBucket>(_buckets.Count);
        foreach (var bucket in _buckets)
        {
            if (bucket.Start + bucketMs <= oldest)
            {
                continue;
            }

            list.Add(new GridAnalyticsBucket
            {
                StartUnixMs = bucket.Start,
                DurationMs = Math.Max(0, Math.Min(nowMs, bucket.Start + bucketMs) - Math.Max(bucket.Start, sinceMs)),
                Operations = bucket.Operations,
                Hits = bucket.Hits,
                Misses = bucket.Misses,
                Evictions = bucket.Evictions,
                Expirations = bucket.Expirations,
                LatencySumMicroseconds = bucket.LatencySum,
                LatencyCounts = (long[])bucket.LatencyCounts.Clone(),
            });
        }

        return [.. list];
    }

    private sealed class Bucket(long start)
    {
        public long Start { get; } = start;

        public long Operations { get; private set; }

        public long Hits { get; private set; }

        public long Misses { get; private set; }

        public long Evictions { get; private set; }

        public long Expirations { get; private set; }

        public long LatencySum { get; private set; }

        public long[] LatencyCounts { get; } = new long[GridLatencyHistogram.BucketCount];

        public void Add(AnalyticsTotals delta)
        {
            Operations += delta.Operations;
            Hits += delta.Hits;
            Misses += delta.Misses;
            Evictions += delta.Evictions;
            Expirations += delta.Expirations;
            LatencySum += delta.LatencySum;
            GridLatencyHistogram.Merge(LatencyCounts, delta.LatencyCounts);
        }
    }
}

/// <summary>The silo's two analytics series: 10-second buckets for the last 10 minutes, hour buckets for the last 24 hours.</summary>
internal sealed class AnalyticsRing
{
    public const long RecentBucketMs = 10_000;
    public const int RecentBuckets = 60;
    public const long HourMs = 3_600_000;
    public const int Hours = 24;

    private AnalyticsTotals _last = AnalyticsTotals.Zero;

    public AnalyticsSeries Recent { get; } = new(RecentBucketMs, RecentBuckets);

    public AnalyticsSeries Hourly { get; } = new(HourMs, Hours);

    /// <summary>Attributes what happened since the previous call (the difference of the totals) to the buckets of <paramref name="nowMs"/>.</summary>
    public void Advance(long nowMs, AnalyticsTotals totals)
    {
        var delta = Difference(totals, _last);
        Recent.Add(nowMs, delta);
        Hourly.Add(nowMs, delta);
        _last = totals;
    }

    private static AnalyticsTotals Difference(AnalyticsTotals now, AnalyticsTotals before)
    {
        var counts = new long[GridLatencyHistogram.BucketCount];
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = Math.Max(0, now.LatencyCounts[i] - before.LatencyCounts[i]);
        }

        // Totals never go back (stores that leave add their counters to the registry's retired ones); clamp anyway.
        return new AnalyticsTotals(
            Math.Max(0, now.Operations - before.Operations),
            Math.Max(0, now.Hits - before.Hits),
            Math.Max(0, now.Misses - before.Misses),
            Math.Max(0, now.Evictions - before.Evictions),
            Math.Max(0, now.Expirations - before.Expirations),
            Math.Max(0, now.LatencySum - before.LatencySum),
            counts);
    }
}
