using Grid.Grains.Balancing;
using Grid.Grains.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Balancing;

/// <summary>The run-time rebalance settings: start from the options, change by version, refuse what is out of range.</summary>
public sealed class RebalanceSteeringTests
{
    private static RebalanceSteering Create() =>
        new(new GridBalancingOptions { MaxConcurrentMoves = 4, MaxBytesPerSecond = 1_000 }, new FakeTimeProvider());

    [Fact]
    public void Settings_start_from_the_configured_options_at_version_0()
    {
        var steering = Create();

        Assert.Equal(new GridRebalanceSettings { Version = 0, Paused = false, MaxConcurrentMoves = 4, BytesPerSecond = 1_000 }, steering.Current);
        Assert.Equal(1_000, steering.Throttle.BytesPerSecond);
    }

    [Fact]
    public void A_change_keeps_the_values_it_does_not_give_and_bumps_the_version()
    {
        var steering = Create();
        int changes = 0;
        steering.Subscribe(() => changes++);

        var paused = steering.Adopt(steering.Next(new GridRebalanceChange { Paused = true }, "a", 10));
        var throttled = steering.Adopt(steering.Next(new GridRebalanceChange { MaxConcurrentMoves = 2, BytesPerSecond = 0 }, "b", 20));

        Assert.Equal(1, paused.Version);
        Assert.Equal(new GridRebalanceSettings { Version = 2, Paused = true, MaxConcurrentMoves = 2, BytesPerSecond = 0, ChangedBy = "b", ChangedAtUnixMs = 20 }, throttled);
        Assert.Equal(throttled, steering.Current);
        Assert.Equal(0, steering.Throttle.BytesPerSecond);
        Assert.Equal(2, changes);
    }

    [Fact]
    public void Older_or_repeated_settings_change_nothing_and_a_tie_goes_to_the_higher_silo()
    {
        var steering = Create();
        var v2 = new GridRebalanceSettings { Version = 2, Paused = true, MaxConcurrentMoves = 4, ChangedBy = "b" };
        steering.Adopt(v2);

        Assert.Equal(v2, steering.Adopt(new GridRebalanceSettings { Version = 1, MaxConcurrentMoves = 8, ChangedBy = "z" }));
        Assert.Equal(v2, steering.Adopt(new GridRebalanceSettings { Version = 2, MaxConcurrentMoves = 8, ChangedBy = "a" }));
        Assert.Equal(v2, steering.Adopt(v2));
        var tie = new GridRebalanceSettings { Version = 2, MaxConcurrentMoves = 8, ChangedBy = "c" };
        Assert.Equal(tie, steering.Adopt(tie));
    }

    [Theory]
    [InlineData(0, 0L)]
    [InlineData(257, 0L)]
    [InlineData(4, -1L)]
    public void Out_of_range_values_are_refused_and_change_nothing(int moves, long bytesPerSecond)
    {
        var steering = Create();

        var error = Assert.Throws<ArgumentException>(() => steering.Next(new GridRebalanceChange { MaxConcurrentMoves = moves, BytesPerSecond = bytesPerSecond }, "a", 1));

        Assert.Contains(moves == 4 ? "Bytes per second" : "Concurrent moves", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, steering.Current.Version);
    }
}
