using Grid.Fault.Tests.Measures;

namespace Grid.Fault.Tests.Harness;

/// <summary>The throughput-recovery measure on made-up 250 ms buckets (baseline 100 per bucket, fault at 2.0 s = bucket 8).</summary>
public sealed class RecoveryTests
{
    [Fact]
    public void No_dip_is_no_recovery_time()
    {
        var buckets = Buckets(40, _ => 100);
        buckets[10] = 30; // one slow bucket: the 1 s windows over it still average 82.5
        Assert.Equal(0, Recovery.SecondsAfter(buckets, 100, 2.0, 40));
    }

    [Fact]
    public void Recovery_is_the_start_of_the_first_window_at_the_recovered_fraction_after_the_dip()
    {
        // Nothing from 2.0 s to 4.0 s (buckets 8..15), full again from bucket 16 = 4.0 s: the window from 3.75 s
        // (buckets 15..18) averages 75, the one from 4.0 s 100.
        var buckets = Buckets(40, i => i is >= 8 and < 16 ? 0 : 100);
        Assert.Equal(2.0, Recovery.SecondsAfter(buckets, 100, 2.0, 40));
    }

    [Fact]
    public void A_partial_recovery_shorter_than_the_window_does_not_count()
    {
        // Dip, 0.5 s back, dip again until 5.0 s.
        var buckets = Buckets(60, i => i is (>= 8 and < 12) or (>= 14 and < 20) ? 10 : 100);
        Assert.Equal(3.0, Recovery.SecondsAfter(buckets, 100, 2.0, 60));
    }

    [Fact]
    public void A_dip_starting_after_the_search_window_is_not_the_faults()
    {
        // The first 1 s window that overlaps the dip starts after the search window.
        int late = Recovery.BucketAt(2.0 + FaultTimings.DipSearch.TotalSeconds) + 4;
        var buckets = Buckets(late + 20, i => i >= late && i < late + 4 ? 0 : 100);
        Assert.Equal(0, Recovery.SecondsAfter(buckets, 100, 2.0, late + 20));
    }

    [Fact]
    public void Throughput_still_low_at_the_end_is_not_back()
    {
        var buckets = Buckets(40, i => i >= 8 ? 79 : 100);
        Assert.Null(Recovery.SecondsAfter(buckets, 100, 2.0, 40));
    }

    [Fact]
    public void The_baseline_is_the_mean_of_its_range()
    {
        var buckets = Buckets(10, i => i);
        Assert.Equal(3.5, Recovery.Baseline(buckets, 2, 6));
        Assert.Equal(0, Recovery.Baseline(buckets, 6, 6));
    }

    private static long[] Buckets(int count, Func<int, long> value)
    {
        var buckets = new long[count];
        for (int i = 0; i < count; i++)
        {
            buckets[i] = value(i);
        }

        return buckets;
    }
}
