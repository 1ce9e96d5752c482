using System.Diagnostics;
using Grid.Grains.Metrics;

namespace Grid.Core.Tests.Metrics;

public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(1, 1)]
    [InlineData(1.18, 1)]
    [InlineData(1.19, 2)]
    [InlineData(2, 5)]
    [InlineData(1000, 40)]
    [InlineData(1e12, GridLatencyHistogram.BucketCount - 1)]
    public void Latencies_fall_into_fixed_log_scale_buckets_four_per_doubling(double micros, int bucket)
    {
        Assert.Equal(bucket, GridLatencyHistogram.BucketOf(micros));
        if (bucket is > 0 and < GridLatencyHistogram.BucketCount - 1)
        {
            Assert.InRange(micros, GridLatencyHistogram.LowerBoundMicroseconds(bucket), GridLatencyHistogram.UpperBoundMicroseconds(bucket));
        }
    }

    [Fact]
    public void The_p99_of_a_known_distribution_is_within_a_bucket_width()
    {
        var counts = new long[GridLatencyHistogram.BucketCount];
        for (int i = 1; i <= 1000; i++)
        {
            counts[GridLatencyHistogram.BucketOf(i * 10)]++;   // 10 µs .. 10 ms, uniform
        }

        double p99 = GridLatencyHistogram.QuantileMilliseconds(counts, 0.99);
        double p50 = GridLatencyHistogram.QuantileMilliseconds(counts, 0.50);
        Assert.InRange(p99, 9.9 / 1.19, 9.9 * 1.19);
        Assert.InRange(p50, 5.0 / 1.19, 5.0 * 1.19);
        Assert.Equal(0, GridLatencyHistogram.QuantileMilliseconds(new long[GridLatencyHistogram.BucketCount], 0.99));
    }

    [Fact]
    public void Histograms_of_different_silos_merge_exactly_by_adding_counts()
    {
        var a = new long[GridLatencyHistogram.BucketCount];
        var b = new long[GridLatencyHistogram.BucketCount];
        a[10] = 3;
        b[10] = 2;
        b[20] = 5;

        GridLatencyHistogram.Merge(a, b);

        Assert.Equal(5, a[10]);
        Assert.Equal(5, a[20]);
    }

    [Fact]
    public void The_recorder_sums_stripes_written_from_many_threads()
    {
        var recorder = new LatencyRecorder();
        long oneMs = Stopwatch.Frequency / 1000;
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 1000; i++)
            {
                recorder.Record(oneMs, 2);
            }
        });

        var counts = new long[GridLatencyHistogram.BucketCount];
        long sum = recorder.Snapshot(counts);

        Assert.Equal(16_000, counts.Sum());
        Assert.Equal(16_000, counts[GridLatencyHistogram.BucketOf(1000)]);
        Assert.InRange(sum, 15_900_000, 16_100_000);
    }
}
