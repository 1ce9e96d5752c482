namespace Grid.Fault.Tests.Measures;

/// <summary>
/// Throughput recovery from per-bucket counts of successful grid operations (<see cref="FaultTimings.Bucket"/> each).
/// Baseline: the mean per bucket before the first fault. Throughput is read over a sliding window of
/// <see cref="FaultGoals.RecoverySustain"/> (so one slow bucket on a busy machine is not a dip); a window is low when
/// its mean is below <see cref="FaultGoals.RecoveredFraction"/> of the baseline. The fault's dip is the last run of low
/// windows that starts within <see cref="FaultTimings.DipSearch"/> after it; recovery is the time from the fault to the
/// first window after that run (0 when no window is low, null when the run lasts until the load ended).
/// </summary>
internal static class Recovery
{
    private static double BucketSeconds => FaultTimings.Bucket.TotalSeconds;

    private static int WindowBuckets => Math.Max(1, (int)Math.Round(FaultGoals.RecoverySustain / FaultTimings.Bucket));

    /// <summary>Mean count per bucket over buckets [<paramref name="from"/>, <paramref name="to"/>); 0 when the range is empty.</summary>
    public static double Baseline(IReadOnlyList<long> buckets, int from, int to)
    {
        to = Math.Min(to, buckets.Count);
        if (to <= from)
        {
            return 0;
        }

        double sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += buckets[i];
        }

        return sum / (to - from);
    }

    /// <summary>The bucket holding <paramref name="seconds"/> since the load started.</summary>
    public static int BucketAt(double seconds) => (int)Math.Floor(seconds / BucketSeconds);

    /// <summary>Seconds from a fault at <paramref name="faultSeconds"/> until throughput is back; null when it was not back before bucket <paramref name="endBucket"/>.</summary>
    public static double? SecondsAfter(IReadOnlyList<long> buckets, double baseline, double faultSeconds, int endBucket)
    {
        endBucket = Math.Min(endBucket, buckets.Count);
        double threshold = baseline * FaultGoals.RecoveredFraction;
        int window = WindowBuckets;
        // Windows [i, i + window) that end by the end of the load.
        int lastWindow = endBucket - window;
        bool Low(int i) => Baseline(buckets, i, i + window) < threshold;
        int first = BucketAt(faultSeconds);
        int searchEnd = Math.Min(lastWindow + 1, first + (int)Math.Round(FaultTimings.DipSearch / FaultTimings.Bucket));

        int? recoveredAt = null;
        for (int i = first; i < searchEnd; i++)
        {
            if (!Low(i))
            {
                continue;
            }

            int end = i;
            while (end <= lastWindow && Low(end))
            {
                end++;
            }

            if (end > lastWindow)
            {
                return null;
            }

            recoveredAt = end;
            i = end;
        }

        return recoveredAt is { } at ? Math.Max(0, (at * BucketSeconds) - faultSeconds) : 0;
    }

    /// <summary>The lowest bucket from the fault through <see cref="FaultTimings.DipSearch"/> after it, as a fraction of the baseline.</summary>
    public static double LowestAfter(IReadOnlyList<long> buckets, double baseline, double faultSeconds, int endBucket)
    {
        int first = BucketAt(faultSeconds);
        int end = Math.Min(Math.Min(endBucket, buckets.Count), first + (int)Math.Round(FaultTimings.DipSearch / FaultTimings.Bucket));
        long lowest = long.MaxValue;
        for (int i = first; i < end; i++)
        {
            lowest = Math.Min(lowest, buckets[i]);
        }

        return lowest == long.MaxValue || baseline <= 0 ? double.NaN : lowest / baseline;
    }
}
