using Grid.Grains.Balancing;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Balancing;

/// <summary>The bytes-per-second bucket partition moves go through, on a fake clock.</summary>
public sealed class MoveThrottleTests
{
    [Fact]
    public void Without_a_limit_nothing_waits()
    {
        var throttle = new MoveThrottle(new FakeTimeProvider());

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.Zero, throttle.TryTake(1L << 30));
        }
    }

    [Fact]
    public void A_full_bucket_lets_one_second_of_bytes_through_then_the_rest_waits_for_the_refill()
    {
        var time = new FakeTimeProvider();
        var throttle = new MoveThrottle(time);
        throttle.SetRate(1000);

        Assert.Equal(TimeSpan.Zero, throttle.TryTake(600));
        Assert.Equal(TimeSpan.Zero, throttle.TryTake(400));
        Assert.Equal(TimeSpan.FromMilliseconds(500), throttle.TryTake(500));

        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.True(throttle.TryTake(500) > TimeSpan.Zero);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, throttle.TryTake(500));
    }

    [Fact]
    public void A_partition_larger_than_the_bucket_goes_when_it_is_full_and_the_debt_holds_back_the_next()
    {
        var time = new FakeTimeProvider();
        var throttle = new MoveThrottle(time);
        throttle.SetRate(1000);

        Assert.Equal(TimeSpan.Zero, throttle.TryTake(5000));

        // 4,000 bytes of debt plus the 100 asked for, at 1,000 bytes/s.
        Assert.Equal(TimeSpan.FromSeconds(4.1), throttle.TryTake(100));
        time.Advance(TimeSpan.FromSeconds(4.1));
        Assert.Equal(TimeSpan.Zero, throttle.TryTake(100));
    }

    [Fact]
    public void Over_many_moves_the_average_stays_at_the_rate()
    {
        var time = new FakeTimeProvider();
        var throttle = new MoveThrottle(time);
        throttle.SetRate(10_000);
        var start = time.GetUtcNow();
        long moved = 0;
        var sizes = new long[] { 3_000, 25_000, 700, 12_000, 9_000 };
        for (int i = 0; i < 200; i++)
        {
            long size = sizes[i % sizes.Length];
            TimeSpan wait;
            while ((wait = throttle.TryTake(size)) > TimeSpan.Zero)
            {
                time.Advance(wait);
            }

            moved += size;
        }

        double seconds = (time.GetUtcNow() - start).TotalSeconds;
        // The first second's burst and the last move's debt are the only slack.
        Assert.InRange(moved / seconds, 9_000, 10_000 * 1.05 + 25_000 / seconds);
        Assert.InRange(seconds, (moved - 10_000 - 25_000) / 10_000.0, moved / 10_000.0 + 1);
    }

    [Fact]
    public void Raising_or_lifting_the_limit_at_run_time_applies_to_the_next_take()
    {
        var time = new FakeTimeProvider();
        var throttle = new MoveThrottle(time);
        throttle.SetRate(1000);
        Assert.Equal(TimeSpan.Zero, throttle.TryTake(1000));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.TryTake(1000));

        throttle.SetRate(0);
        Assert.Equal(0, throttle.BytesPerSecond);
        Assert.Equal(TimeSpan.Zero, throttle.TryTake(1_000_000));

        // From no limit to a limit: a full bucket of the new size.
        throttle.SetRate(2000);
        Assert.Equal(TimeSpan.Zero, throttle.TryTake(2000));
        Assert.Equal(TimeSpan.FromSeconds(0.5), throttle.TryTake(1000));
    }

    [Fact]
    public void A_lower_limit_trims_the_bucket_to_its_new_size()
    {
        var time = new FakeTimeProvider();
        var throttle = new MoveThrottle(time);
        throttle.SetRate(10_000);

        throttle.SetRate(100);

        Assert.Equal(TimeSpan.Zero, throttle.TryTake(100));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.TryTake(100));
    }

    [Fact]
    public async Task A_waiting_take_completes_once_the_clock_has_refilled_the_bucket()
    {
        var time = new FakeTimeProvider();
        var throttle = new MoveThrottle(time);
        throttle.SetRate(1000);
        Assert.Equal(TimeSpan.Zero, throttle.TryTake(1000));

        var take = throttle.TakeAsync(500, CancellationToken.None);
        Assert.False(take.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(500));
        await take.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(throttle.TryTake(1) > TimeSpan.Zero);
    }

    [Fact]
    public void A_negative_limit_is_refused()
    {
        var throttle = new MoveThrottle(new FakeTimeProvider());

        Assert.Throws<ArgumentOutOfRangeException>(() => throttle.SetRate(-1));
    }
}
