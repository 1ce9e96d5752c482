using Grid.Grains.Silo;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Silo;

/// <summary>
/// <see cref="BatchOrderLog"/>: which numbered batches of each client ran on an entry activation. What it does not know
/// must read as "not run" (the later batch is then refused and sent again), never as "run".
/// </summary>
public sealed class BatchOrderLogTests
{
    [Fact]
    public void A_batch_is_known_to_have_run_only_after_it_ran_and_only_for_its_client()
    {
        var log = new BatchOrderLog();
        Assert.False(log.HasRun(client: 1, batch: 5));

        log.Ran(client: 1, batch: 5);

        Assert.True(log.HasRun(1, 5));
        Assert.False(log.HasRun(1, 6));
        Assert.False(log.HasRun(2, 5));
    }

    [Fact]
    public void Batch_zero_never_reads_as_run()
    {
        // A client's ring starts zeroed: "batch 0" must not be found in it.
        var log = new BatchOrderLog();
        log.Ran(1, 7);

        Assert.False(log.HasRun(1, 0));
    }

    [Fact]
    public void Only_the_last_batches_per_client_are_remembered()
    {
        var log = new BatchOrderLog();
        for (long batch = 1; batch <= BatchOrderLog.RecentPerClient + 1; batch++)
        {
            log.Ran(1, batch);
        }

        Assert.False(log.HasRun(1, 1));
        for (long batch = 2; batch <= BatchOrderLog.RecentPerClient + 1; batch++)
        {
            Assert.True(log.HasRun(1, batch), $"batch {batch}");
        }
    }

    [Fact]
    public void Past_its_client_bound_the_log_starts_again_and_forgets_rather_than_grows()
    {
        var log = new BatchOrderLog();
        for (ulong client = 1; client <= BatchOrderLog.MaxClients; client++)
        {
            log.Ran(client, 1);
        }

        Assert.Equal(BatchOrderLog.MaxClients, log.Clients);
        log.Ran(BatchOrderLog.MaxClients + 1, 1);

        Assert.Equal(1, log.Clients);
        Assert.False(log.HasRun(1, 1));
        Assert.True(log.HasRun(BatchOrderLog.MaxClients + 1, 1));
    }

    [Fact]
    public async Task A_wait_ends_true_when_the_batch_runs()
    {
        var time = new FakeTimeProvider();
        var log = new BatchOrderLog(time);
        var waiting = log.WaitForAsync(client: 1, batch: 3, TimeSpan.FromMilliseconds(50));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, log.Waiting);

        log.Ran(1, 3);

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, log.Waiting);
    }

    [Fact]
    public async Task A_wait_ends_false_at_its_timeout_and_leaves_nothing_behind()
    {
        var time = new FakeTimeProvider();
        var log = new BatchOrderLog(time);
        var waiting = log.WaitForAsync(client: 1, batch: 3, TimeSpan.FromMilliseconds(50));
        log.Ran(2, 3);
        log.Ran(1, 4);

        time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, log.Waiting);
    }

    [Fact]
    public async Task A_wait_for_a_batch_that_already_ran_ends_at_once()
    {
        var log = new BatchOrderLog(new FakeTimeProvider());
        log.Ran(1, 3);

        Assert.True(await log.WaitForAsync(1, 3, TimeSpan.FromMilliseconds(50)));
    }
}
