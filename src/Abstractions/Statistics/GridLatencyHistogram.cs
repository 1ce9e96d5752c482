namespace Grid;

/// <summary>
/// The fixed, log-scale latency buckets every silo records operation latencies in, so histograms from different silos
/// and hours merge exactly (by adding counts). Bucket 0 holds latencies under 1 µs; bucket <c>i</c> (1 ≤ i) holds
/// [2^((i-1)/4), 2^(i/4)) µs, four buckets per doubling (each about 19 % wide) up to about 67 s; the last bucket holds
/// everything longer.
/// </summary>
public static class GridLatencyHistogram
{
    /// <summary>Buckets per doubling of the latency.</summary>
    public const int BucketsPerDoubling = 4;

    /// <summary>Number of buckets (the length of every latency count array).</summary>
    public const int BucketCount = 1 + (26 * BucketsPerDoubling) + 1;

    /// <summary>The bucket a latency in microseconds falls into.</summary>
    /// <param name="microseconds">The latency, in microseconds.</param>
    public static int BucketOf(double microseconds)
    {
        if (!(microseconds >= 1))
        {
            return 0;
        }

        int index = (int)Math.Floor(Math.Log2(microseconds) * BucketsPerDoubling) + 1;
        return Math.Min(index, BucketCount - 1);
    }

    /// <summary>The exclusive upper bound of bucket <paramref name="bucket"/>, in microseconds (infinity for the last).</summary>
    /// <param name="bucket">A bucket index.</param>
    public static double UpperBoundMicroseconds(int bucket) =>
        bucket >= BucketCount - 1 ? double.PositiveInfinity : Math.Pow(2, (double)bucket / BucketsPerDoubling);

    /// <summary>The inclusive lower bound of bucket <paramref name="bucket"/>, in microseconds.</summary>
    /// <param name="bucket">A bucket index.</param>
    public static double LowerBoundMicroseconds(int bucket) => bucket <= 0 ? 0 : Math.Pow(2, (double)(bucket - 1) / BucketsPerDoubling);

    /// <summary>Adds <paramref name="from"/>'s counts into <paramref name="into"/> (both <see cref="BucketCount"/> long).</summary>
    /// <param name="into">The counts added to.</param>
    /// <param name="from">The counts to add (null or empty adds nothing).</param>
    public static void Merge(long[] into, long[]? from)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (from is null)
        {
            return;
        }

        for (int i = 0; i < Math.Min(into.Length, from.Length); i++)
        {
            into[i] += from[i];
        }
    }

    /// <summary>
    /// Estimates the latency below which <paramref name="quantile"/> of the recorded operations fall, in milliseconds,
    /// interpolating linearly inside the bucket that holds it (as Prometheus' <c>histogram_quantile</c> does); 0 when
    /// nothing was recorded. The estimate is within the bucket's width (about 19 %) of the true value.
    /// </summary>
    /// <param name="counts">Counts per bucket.</param>
    /// <param name="quantile">Between 0 and 1, e.g. 0.99.</param>
    public static double QuantileMilliseconds(long[]? counts, double quantile)
    {
        if (counts is null || quantile is < 0 or > 1 || double.IsNaN(quantile))
        {
            return 0;
        }

        long total = 0;
        foreach (long count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return 0;
        }

        double rank = quantile * total;
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }

            if (seen + counts[i] >= rank)
            {
                double lower = LowerBoundMicroseconds(i);
                double upper = UpperBoundMicroseconds(i);
                if (double.IsPositiveInfinity(upper))
                {
                    return lower / 1000;
                }

                double within = (rank - seen) / counts[i];
                return (lower + ((upper - lower) * Math.Clamp(within, 0, 1))) / 1000;
            }

            seen += counts[i];
        }

        return LowerBoundMicroseconds(counts.Length - 1) / 1000;
    }
}
