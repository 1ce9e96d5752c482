using Grid.Client.Routing;

namespace Grid.Client.Tests.Routing;

public sealed class LogThrottleTests
{
    [Fact]
    public void The_first_line_goes_through_then_one_per_interval_with_the_count_held_back()
    {
        var throttle = new LogThrottle(intervalMs: 5_000);

        Assert.True(throttle.TryLog(1_000, out int held));
        Assert.Equal(0, held);
        for (int i = 0; i < 99; i++)
        {
            Assert.False(throttle.TryLog(1_001 + i, out _));
        }

        Assert.False(throttle.TryLog(5_999, out _));
        Assert.True(throttle.TryLog(6_000, out held));
        Assert.Equal(100, held);
        Assert.True(throttle.TryLog(20_000, out held));
        Assert.Equal(0, held);
    }
}
