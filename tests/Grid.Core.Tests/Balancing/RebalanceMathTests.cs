using Grid.Grains.Balancing;

namespace Grid.Core.Tests.Balancing;

/// <summary>The cluster's rebalance total from its silos' progress, and the estimate of the time left.</summary>
public sealed class RebalanceMathTests
{
    [Fact]
    public void The_total_sums_counts_and_rates_and_takes_the_longest_estimate()
    {
        GridRebalanceProgress[] silos =
        [
            new() { Silo = "a", PartitionsToMove = 100, PartitionsMoved = 50, BytesToMove = 1_000, BytesMoved = 500, InFlight = 4, StartedAtUnixMs = 2_000, BytesPerSecond = 100, PartitionsPerSecond = 10, EstimatedSecondsLeft = 5, TotalPartitionsMoved = 70, TotalBytesMoved = 700 },
            new() { Silo = "b", PartitionsToMove = 300, PartitionsMoved = 0, BytesToMove = 3_000, StartedAtUnixMs = 1_000, EstimatedSecondsLeft = 30 },
            new() { Silo = "c" },
        ];

        var total = RebalanceMath.Total(silos);

        Assert.Equal("total", total.Silo);
        Assert.Equal(400, total.PartitionsToMove);
        Assert.Equal(50, total.PartitionsMoved);
        Assert.Equal(12.5, total.Percent);
        Assert.Equal(4_000, total.BytesToMove);
        Assert.Equal(500, total.BytesMoved);
        Assert.Equal(4, total.InFlight);
        Assert.Equal(1_000, total.StartedAtUnixMs);
        Assert.Equal(0, total.FinishedAtUnixMs);
        Assert.Equal(100, total.BytesPerSecond);
        Assert.Equal(10, total.PartitionsPerSecond);
        Assert.Equal(30, total.EstimatedSecondsLeft);
        Assert.Equal(70, total.TotalPartitionsMoved);
    }

    [Fact]
    public void The_estimate_is_unknown_when_a_silo_with_work_has_none_and_silos_that_did_not_answer_are_left_out()
    {
        GridRebalanceProgress[] silos =
        [
            new() { Silo = "a", PartitionsToMove = 10, PartitionsMoved = 5, StartedAtUnixMs = 1, EstimatedSecondsLeft = 5 },
            new() { Silo = "b", PartitionsToMove = 10, StartedAtUnixMs = 1, EstimatedSecondsLeft = null },
            new() { Silo = "c", PartitionsToMove = 1_000, Error = "timed out" },
        ];

        var total = RebalanceMath.Total(silos);

        Assert.Null(total.EstimatedSecondsLeft);
        Assert.Equal(20, total.PartitionsToMove);
    }

    [Fact]
    public void The_total_is_finished_when_every_silo_that_started_has_finished()
    {
        GridRebalanceProgress[] silos =
        [
            new() { Silo = "a", PartitionsToMove = 10, PartitionsMoved = 10, StartedAtUnixMs = 1_000, FinishedAtUnixMs = 5_000 },
            new() { Silo = "b", PartitionsToMove = 4, PartitionsMoved = 4, StartedAtUnixMs = 2_000, FinishedAtUnixMs = 7_000 },
            new() { Silo = "c" },
        ];

        var total = RebalanceMath.Total(silos);

        Assert.Equal(100, total.Percent);
        Assert.Equal(7_000, total.FinishedAtUnixMs);
        Assert.Equal(0, total.EstimatedSecondsLeft);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, false, 0.0)]
    [InlineData(5, 500, 1, 100, false, 5.0)]
    [InlineData(5, 0, 2, 0, false, 2.5)]
    public void The_estimate_goes_by_bytes_when_there_are_some_else_by_partitions(int pending, long bytesPending, double partitionsRate, double bytesRate, bool paused, double expected) =>
        Assert.Equal(expected, RebalanceMath.SecondsLeft(pending, bytesPending, partitionsRate, bytesRate, paused));

    [Fact]
    public void The_estimate_is_unknown_while_paused_or_before_anything_moved()
    {
        Assert.Null(RebalanceMath.SecondsLeft(5, 500, 1, 100, paused: true));
        Assert.Null(RebalanceMath.SecondsLeft(5, 500, 0, 0, paused: false));
    }
}
