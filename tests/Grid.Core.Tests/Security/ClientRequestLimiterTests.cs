using Grid.Grains.Security;
using Orleans.Runtime;

namespace Grid.Core.Tests.Security;

public sealed class ClientRequestLimiterTests
{
    private static readonly GrainId Alice = GrainId.Create("sys.client", "alice");
    private static readonly GrainId Bob = GrainId.Create("sys.client", "bob");

    private static ClientRequestLimiter Limiter(int running, int queued, TimeSpan timeout) =>
        new(new GridLimits { MaxConcurrentRequestsPerClient = running, MaxQueuedRequestsPerClient = queued, RequestQueueTimeout = timeout }, "silo-1");

    [Fact]
    public async Task Requests_past_the_per_client_bound_wait_and_run_in_turn_as_slots_free()
    {
        var limiter = Limiter(2, 10, TimeSpan.FromMinutes(1));
        await limiter.EnterAsync(Alice, canWait: true);
        await limiter.EnterAsync(Alice, canWait: true);
        var third = limiter.EnterAsync(Alice, canWait: true).AsTask();
        var fourth = limiter.EnterAsync(Alice, canWait: true).AsTask();
        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);

        limiter.Exit(Alice);
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(fourth.IsCompleted);
        limiter.Exit(Alice);
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));

        limiter.Exit(Alice);
        limiter.Exit(Alice);
        Assert.Equal(0, limiter.ActiveClients);
    }

    [Fact]
    public async Task A_waiting_request_fails_with_GridBusyException_naming_the_limits_after_the_queue_timeout()
    {
        var limiter = Limiter(1, 10, TimeSpan.FromMilliseconds(50));
        await limiter.EnterAsync(Alice, canWait: true);
        var error = await Assert.ThrowsAsync<GridBusyException>(() => limiter.EnterAsync(Alice, canWait: true).AsTask());
        Assert.Contains("MaxConcurrentRequestsPerClient = 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("RequestQueueTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing of it ran", error.Message, StringComparison.Ordinal);

        // The timed-out waiter left the queue: the slot goes back to nobody.
        limiter.Exit(Alice);
        Assert.Equal(0, limiter.ActiveClients);
    }

    [Fact]
    public async Task Requests_past_the_queue_bound_or_that_cannot_wait_fail_at_once()
    {
        var limiter = Limiter(1, 1, TimeSpan.FromMinutes(1));
        await limiter.EnterAsync(Alice, canWait: true);
        var waiting = limiter.EnterAsync(Alice, canWait: true).AsTask();
        var full = Assert.Throws<GridBusyException>(() => limiter.EnterAsync(Alice, canWait: true));
        Assert.Contains("1 waiting", full.Message, StringComparison.Ordinal);
        Assert.Throws<GridBusyException>(() => limiter.EnterAsync(Alice, canWait: false));

        var noQueue = Limiter(1, 10, TimeSpan.Zero);
        await noQueue.EnterAsync(Alice, canWait: true);
        Assert.Throws<GridBusyException>(() => noQueue.EnterAsync(Alice, canWait: true));

        limiter.Exit(Alice);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        limiter.Exit(Alice);
    }

    [Fact]
    public async Task One_client_at_its_bound_leaves_other_clients_unaffected()
    {
        var limiter = Limiter(3, 0, TimeSpan.Zero);
        for (int i = 0; i < 3; i++)
        {
            await limiter.EnterAsync(Alice, canWait: true);
        }

        Assert.Throws<GridBusyException>(() => limiter.EnterAsync(Alice, canWait: true));
        for (int i = 0; i < 3; i++)
        {
            var bob = limiter.EnterAsync(Bob, canWait: true);
            Assert.True(bob.IsCompletedSuccessfully);
        }

        Assert.Equal(2, limiter.ActiveClients);
    }

    [Fact]
    public async Task Pattern_scans_past_the_bound_wait_then_fail_with_GridBusyException()
    {
        var throttle = new ScanThrottle(new GridLimits { MaxConcurrentScans = 1, RequestQueueTimeout = TimeSpan.FromMilliseconds(50) }, "silo-1");
        var release = new TaskCompletionSource<long>();
        var first = throttle.RunAsync(() => release.Task);
        Assert.Equal(1, throttle.Running);
        var error = await Assert.ThrowsAsync<GridBusyException>(() => throttle.RunAsync(() => Task.FromResult(0L)));
        Assert.Contains("MaxConcurrentScans", error.Message, StringComparison.Ordinal);
        release.SetResult(7);
        Assert.Equal(7, await first);
        Assert.Equal(3, await throttle.RunAsync(() => Task.FromResult(3L)));
    }
}
