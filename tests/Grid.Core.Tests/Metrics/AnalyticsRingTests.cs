using Grid.Grains.Metrics;

namespace Grid.Core.Tests.Metrics;

public sealed class AnalyticsRingTests
{
    private static readonly long Hour0 = DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private static AnalyticsTotals Totals(long operations, long hits, long misses, long latencyBucket = 0, long latencyCount = 0)
    {
        var counts = new long[GridLatencyHistogram.BucketCount];
        counts[latencyBucket] = latencyCount;
        return new AnalyticsTotals(operations, hits, misses, 0, 0, latencyCount * 100, counts);
    }

    [Fact]
    public void Differences_of_cumulative_totals_land_in_the_ten_second_and_hour_buckets_of_their_time()
    {
        var ring = new AnalyticsRing();
        ring.Advance(Hour0 + 1_000, Totals(10, 6, 2, 12, 10));
        ring.Advance(Hour0 + 12_000, Totals(25, 10, 5, 12, 25));

        var recent = ring.Recent.Snapshot(Hour0 + 15_000);
        Assert.Equal(2, recent.Length);
        Assert.Equal([Hour0, Hour0 + 10_000], recent.Select(b => b.StartUnixMs));
        Assert.Equal([10L, 15L], recent.Select(b => b.Operations));
        Assert.Equal([6L, 4L], recent.Select(b => b.Hits));
        Assert.Equal([10_000L, 5_000L], recent.Select(b => b.DurationMs));
        Assert.Equal(15, recent[1].LatencyCounts[12]);

        var hourly = ring.Hourly.Snapshot(Hour0 + 15_000, sinceMs: Hour0 + 500);
        var hour = Assert.Single(hourly);
        Assert.Equal(25, hour.Operations);
        Assert.Equal(14_500, hour.DurationMs);
        Assert.Equal(2_500, hour.LatencySumMicroseconds);
    }

    [Fact]
    public void The_rings_stay_bounded_to_sixty_recent_buckets_and_twenty_four_hours()
    {
        var ring = new AnalyticsRing();
        long operations = 0;
        long now = Hour0;
        for (int step = 0; step < 1800; step++)   // 50 hours, a step every 100 s
        {
            now = Hour0 + (step * 100_000L);
            operations += 7;
            ring.Advance(now, Totals(operations, 0, 0));
        }

        var recent = ring.Recent.Snapshot(now);
        var hourly = ring.Hourly.Snapshot(now);
        Assert.InRange(recent.Length, 1, AnalyticsRing.RecentBuckets);
        Assert.All(recent, b => Assert.True(b.StartUnixMs + AnalyticsRing.RecentBucketMs > now - (AnalyticsRing.RecentBuckets * AnalyticsRing.RecentBucketMs)));
        Assert.Equal(AnalyticsRing.Hours, hourly.Length);
        Assert.Equal(now - (now % AnalyticsRing.HourMs), hourly[^1].StartUnixMs);
        Assert.Equal(hourly[^1].StartUnixMs - (23 * AnalyticsRing.HourMs), hourly[0].StartUnixMs);
        Assert.All(hourly[..^1], h => Assert.Equal(AnalyticsRing.HourMs, h.DurationMs));
        Assert.All(hourly[1..^1], h => Assert.Equal(36 * 7, h.Operations));
    }

    [Fact]
    public void Totals_that_went_back_add_nothing_negative()
    {
        var ring = new AnalyticsRing();
        ring.Advance(Hour0, Totals(100, 10, 10));
        ring.Advance(Hour0 + 1, Totals(50, 5, 5));

        var bucket = Assert.Single(ring.Recent.Snapshot(Hour0 + 2));
        Assert.Equal(100, bucket.Operations);
    }

    [Fact]
    public void Silo_series_merge_by_bucket_start_into_cluster_periods()
    {
        long[] Latency(int bucket, long count)
        {
            var counts = new long[GridLatencyHistogram.BucketCount];
            counts[bucket] = count;
            return counts;
        }

        GridAnalyticsBucket[] a =
        [
            new() { StartUnixMs = Hour0, DurationMs = 10_000, Operations = 100, Hits = 40, Misses = 10, LatencySumMicroseconds = 1000, LatencyCounts = Latency(20, 100) },
            new() { StartUnixMs = Hour0 + 10_000, DurationMs = 4_000, Operations = 20, Hits = 5, Misses = 5, LatencySumMicroseconds = 200, LatencyCounts = Latency(20, 20) },
        ];
        GridAnalyticsBucket[] b =
        [
            new() { StartUnixMs = Hour0 + 10_000, DurationMs = 5_000, Operations = 30, Hits = 10, Misses = 0, LatencySumMicroseconds = 3000, LatencyCounts = Latency(40, 30) },
        ];

        var merged = GridAnalyticsPeriod.Merge([a, b]);

        Assert.Equal(2, merged.Length);
        Assert.Equal(100, merged[0].Operations);
        Assert.Equal(10.0, merged[0].OperationsPerSecond);
        Assert.Equal(50, merged[1].Operations);
        Assert.Equal(TimeSpan.FromSeconds(5), merged[1].Duration);
        Assert.Equal(15.0 / 20, merged[1].HitRatio);
        Assert.Equal(3.2 / 50, merged[1].AverageLatencyMs, 9);
        var window = GridAnalyticsPeriod.Combine(merged);
        Assert.Equal(150, window.Operations);
        Assert.Equal(TimeSpan.FromSeconds(15), window.Duration);
        Assert.Equal(55.0 / 70, window.HitRatio, 9);
        Assert.Equal(120, window.LatencyCounts[20]);
        Assert.Equal(30, window.LatencyCounts[40]);
        Assert.InRange(window.P99LatencyMs, GridLatencyHistogram.LowerBoundMicroseconds(40) / 1000, GridLatencyHistogram.UpperBoundMicroseconds(40) / 1000);
    }
}
