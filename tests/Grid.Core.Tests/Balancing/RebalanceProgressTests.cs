using Grid.Grains.Balancing;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Balancing;

/// <summary>A silo's rebalance progress: counts, percent, rates without paused time, the estimate, re-basing on a retry pass.</summary>
public sealed class RebalanceProgressTests
{
    private const string Silo = "127.0.0.1:11111@1";

    [Fact]
    public void A_silo_that_never_moved_anything_reports_100_percent_and_no_start()
    {
        var progress = new RebalanceProgress(new FakeTimeProvider());

        var snapshot = progress.Snapshot(Silo);

        Assert.Equal(100, snapshot.Percent);
        Assert.Equal(0, snapshot.StartedAtUnixMs);
        Assert.Equal(0, snapshot.EstimatedSecondsLeft);
    }

    [Fact]
    public void Percent_rate_and_estimate_follow_the_moves()
    {
        var time = new FakeTimeProvider();
        var progress = new RebalanceProgress(time);
        progress.BeginPass(partitions: 10, bytes: 10_000);
        long started = time.GetUtcNow().ToUnixTimeMilliseconds();

        for (int i = 0; i < 4; i++)
        {
            progress.MoveStarted();
            time.Advance(TimeSpan.FromSeconds(1));
            progress.MoveEnded(moved: true, bytes: 1_000);
        }

        progress.MoveStarted();
        var snapshot = progress.Snapshot(Silo);
        Assert.Equal(10, snapshot.PartitionsToMove);
        Assert.Equal(4, snapshot.PartitionsMoved);
        Assert.Equal(6, snapshot.PartitionsPending);
        Assert.Equal(40, snapshot.Percent);
        Assert.Equal(4_000, snapshot.BytesMoved);
        Assert.Equal(1, snapshot.InFlight);
        Assert.Equal(started, snapshot.StartedAtUnixMs);
        Assert.Equal(0, snapshot.FinishedAtUnixMs);
        Assert.Equal(1_000, snapshot.BytesPerSecond, 6);
        Assert.Equal(1, snapshot.PartitionsPerSecond, 6);
        Assert.Equal(6, snapshot.EstimatedSecondsLeft!.Value, 6);
    }

    [Fact]
    public void A_move_that_did_not_arrive_counts_as_not_moved()
    {
        var progress = new RebalanceProgress(new FakeTimeProvider());
        progress.BeginPass(2, 200);

        progress.MoveStarted();
        progress.MoveEnded(moved: false, bytes: 100);

        var snapshot = progress.Snapshot(Silo);
        Assert.Equal(0, snapshot.PartitionsMoved);
        Assert.Equal(0, snapshot.BytesMoved);
        Assert.Equal(0, snapshot.InFlight);
    }

    [Fact]
    public void Paused_time_does_not_count_in_the_rate_and_the_estimate_is_unknown_while_paused()
    {
        var time = new FakeTimeProvider();
        var progress = new RebalanceProgress(time);
        progress.BeginPass(4, 4_000);
        time.Advance(TimeSpan.FromSeconds(2));
        progress.MoveStarted();
        progress.MoveEnded(true, 1_000);

        progress.SetPaused(true);
        time.Advance(TimeSpan.FromSeconds(60));
        var paused = progress.Snapshot(Silo);
        Assert.Null(paused.EstimatedSecondsLeft);
        Assert.Equal(500, paused.BytesPerSecond, 6);

        progress.SetPaused(false);
        time.Advance(TimeSpan.FromSeconds(2));
        var resumed = progress.Snapshot(Silo);
        Assert.Equal(250, resumed.BytesPerSecond, 6);
        Assert.Equal(12, resumed.EstimatedSecondsLeft!.Value, 6);
    }

    [Fact]
    public void A_pass_that_finds_partitions_left_over_rebases_the_rebalance_so_its_percent_does_not_go_back()
    {
        var progress = new RebalanceProgress(new FakeTimeProvider());
        progress.BeginPass(10, 1_000);
        for (int i = 0; i < 6; i++)
        {
            progress.MoveStarted();
            progress.MoveEnded(true, 100);
        }

        progress.EndPass();
        Assert.Equal(60, progress.Snapshot(Silo).Percent);

        // The next pass finds the 4 left (and no more): 6 moved of 6 + 4.
        progress.BeginPass(4, 400);
        var rebased = progress.Snapshot(Silo);
        Assert.Equal(10, rebased.PartitionsToMove);
        Assert.Equal(6, rebased.PartitionsMoved);
        Assert.Equal(1_000, rebased.BytesToMove);

        for (int i = 0; i < 4; i++)
        {
            progress.MoveStarted();
            progress.MoveEnded(true, 100);
        }

        progress.EndPass();
        var done = progress.Snapshot(Silo);
        Assert.Equal(100, done.Percent);
        Assert.NotEqual(0, done.FinishedAtUnixMs);
        Assert.Equal(10, done.TotalPartitionsMoved);
        Assert.Equal(1_000, done.TotalBytesMoved);
    }

    [Fact]
    public void A_pass_that_finds_nothing_ends_the_rebalance_and_the_next_one_starts_afresh_keeping_the_totals()
    {
        var time = new FakeTimeProvider();
        var progress = new RebalanceProgress(time);
        progress.BeginPass(5, 500);
        progress.MoveStarted();
        progress.MoveEnded(true, 100);
        progress.EndPass();

        // The other 4 left by other means (their silo stopped, say): nothing is left to move.
        progress.NothingToMove();
        var ended = progress.Snapshot(Silo);
        Assert.Equal(100, ended.Percent);
        Assert.Equal(1, ended.PartitionsToMove);
        Assert.NotEqual(0, ended.FinishedAtUnixMs);

        time.Advance(TimeSpan.FromMinutes(1));
        progress.BeginPass(3, 300);
        var next = progress.Snapshot(Silo);
        Assert.Equal(3, next.PartitionsToMove);
        Assert.Equal(0, next.PartitionsMoved);
        Assert.Equal(0, next.FinishedAtUnixMs);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), next.StartedAtUnixMs);
        Assert.Equal(1, next.TotalPartitionsMoved);
    }
}
