using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Grid.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace Grid.Client.Tests.Routing;

/// <summary>
/// <see cref="PartitionRouter"/>'s retry rule without a cluster: a fake membership and fake silo entries. A resend goes
/// out after a short back-off on the thread pool; tests wait for the fake silo's call or the caller's task (bounded),
/// never for a fixed time. Refusals are decided synchronously, so "never sent" is checked at once.
/// </summary>
public sealed class PartitionRouterTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeRoutingCluster _cluster = new();
    private readonly SiloAddress _a = TestOps.Silo(1);
    private readonly SiloAddress _b = TestOps.Silo(2);
    private readonly RequestSequencer _requests = new();
    private readonly PartitionRouter _router;

    public PartitionRouterTests()
    {
        var options = new GridClientOptions { PartitionCount = 16, MaxBatchesInFlight = 1 };
        _router = new PartitionRouter(_cluster, options, NullLogger.Instance, _requests);
        _cluster.SetHosts((_a, SiloStatus.Active));
        _router.Apply([_a]);
    }

    public void Dispose() => _router.Dispose();

    [Fact]
    public async Task Read_that_may_have_run_is_sent_again()
    {
        _cluster[_a].AutoAnswer = _ => GridResult.OfNumber(42);
        var op = TestOps.Pending(TestOps.Get("k"), requests: _requests);

        _router.Resend(op, notRun: false, new TimeoutException("Response did not arrive on time."));

        Assert.Equal(42, (await op.Task.WaitAsync(Bound)).Number);
        Assert.Equal(OpCode.Get, Assert.Single(Assert.Single(_cluster[_a].Calls).Ops).Code);
        Assert.Equal(1, op.Retries);
    }

    [Fact]
    public async Task Identified_write_that_may_have_run_is_sent_again_with_its_request_id()
    {
        _cluster[_a].AutoAnswer = _ => GridResult.OfNumber(1);
        var op = TestOps.Pending(TestOps.Increment("counter"), requests: _requests);
        Assert.True(op.IsIdentified);

        _router.Resend(op, notRun: false, new TimeoutException("Response did not arrive on time."));

        await op.Task.WaitAsync(Bound);
        var sent = Assert.Single(Assert.Single(_cluster[_a].Calls).Ops);
        Assert.Equal(op.Op.RequestId, sent.RequestId);
        Assert.NotEqual(0, sent.RequestId);
    }

    [Fact]
    public void Unidentified_write_that_may_have_run_fails_with_GridUnavailableException_and_is_not_sent()
    {
        var op = TestOps.Pending(TestOps.Set("k"));
        Assert.False(op.IsIdentified);
        var lost = new TimeoutException("Response did not arrive on time.");

        _router.Resend(op, notRun: false, lost);

        var error = Assert.IsType<GridUnavailableException>(TestOps.ErrorOf(op));
        Assert.Contains("may or may not have been applied", error.Message, StringComparison.Ordinal);
        Assert.Same(lost, error.InnerException);
        Assert.Empty(_cluster[_a].Calls);
    }

    [Fact]
    public void Unidentified_write_that_may_have_run_fails_with_the_grid_error_that_ended_its_call()
    {
        var op = TestOps.Pending(TestOps.Set("k"));
        var abandoned = new GridUnavailableException("A silo died while the call was out.");

        _router.Resend(op, notRun: false, abandoned);

        Assert.Same(abandoned, TestOps.ErrorOf(op));
    }

    [Fact]
    public async Task Write_that_surely_did_not_run_is_sent_again_even_without_a_request_id()
    {
        _cluster[_a].AutoAnswer = _ => GridResult.Ok;
        var op = TestOps.Pending(TestOps.Set("k"));

        _router.Resend(op, notRun: true, new GridUnavailableException("The silo left before the op was sent."));

        await op.Task.WaitAsync(Bound);
        Assert.Equal(0, Assert.Single(Assert.Single(_cluster[_a].Calls).Ops).RequestId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Op_past_its_deadline_fails_with_GridTimeoutException_and_is_not_sent(bool notRun)
    {
        var op = TestOps.Expired(TestOps.Get("k"));
        var reason = new GridUnavailableException("The partition moved.");

        _router.Resend(op, notRun, reason);

        var error = Assert.IsType<GridTimeoutException>(TestOps.ErrorOf(op));
        Assert.Same(reason, error.InnerException);
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Empty(_cluster[_a].Calls);
    }

    [Fact]
    public void Identified_write_older_than_MaxResendAge_that_may_have_run_is_not_sent_again()
    {
        var op = TestOps.Pending(TestOps.Set("k"), requests: _requests);
        long old = op.CreatedAt + (long)PartitionRouter.MaxResendAge.TotalMilliseconds;

        _router.Resend(op, notRun: false, new TimeoutException("Response did not arrive on time."), now: old);

        var error = Assert.IsType<GridUnavailableException>(TestOps.ErrorOf(op));
        Assert.Contains("may or may not have been applied", error.Message, StringComparison.Ordinal);
        Assert.Empty(_cluster[_a].Calls);
    }

    [Fact]
    public async Task Identified_write_just_younger_than_MaxResendAge_is_sent_again()
    {
        _cluster[_a].AutoAnswer = _ => GridResult.Ok;
        var op = TestOps.Pending(TestOps.Set("k"), requests: _requests);
        long young = op.CreatedAt + (long)PartitionRouter.MaxResendAge.TotalMilliseconds - 1;

        _router.Resend(op, notRun: false, new TimeoutException("Response did not arrive on time."), now: young);

        await op.Task.WaitAsync(Bound);
    }

    [Fact]
    public void Disposed_router_fails_what_it_is_asked_to_send_again()
    {
        var op = TestOps.Pending(TestOps.Get("k"));
        _router.Dispose();

        _router.Resend(op, notRun: true, new GridUnavailableException("The partition moved."));

        Assert.IsType<GridUnavailableException>(TestOps.ErrorOf(op));
        Assert.Empty(_cluster[_a].Calls);
    }

    [Fact]
    public async Task Abandoned_call_sends_its_write_again_with_the_same_request_id_and_its_late_answer_is_ignored()
    {
        var entry = _cluster[_a];
        var op = TestOps.Pending(TestOps.Increment("counter"), requests: _requests);
        var channel = _router.Table.ByPartition[op.Partition];
        channel.Enqueue(op);
        var first = await entry.WaitForCallAsync(1, Bound);
        long batchTimeout = (long)_router.BatchTimeout.TotalMilliseconds;

        channel.CheckDeadlines(Environment.TickCount64 + batchTimeout, batchTimeout);

        var second = await entry.WaitForCallAsync(2, Bound);
        Assert.Equal(first.Ops[0].RequestId, second.Ops[0].RequestId);
        second.Answer(_ => GridResult.OfNumber(1));
        first.Answer(_ => GridResult.OfNumber(2));
        Assert.Equal(1, (await op.Task.WaitAsync(Bound)).Number);
    }

    [Fact]
    public async Task Queued_ops_of_a_silo_that_left_go_to_their_partitions_new_owner_behind_their_partitions_calls_still_out()
    {
        _cluster.SetHosts((_a, SiloStatus.Active), (_b, SiloStatus.Active));
        _router.Apply([_a, _b]);
        int partition = PartitionOwnedBy(_a);
        int otherPartition = Enumerable.Range(partition + 1, 15).First(p => _router.Table.ByPartition[p].Silo.Equals(_a));
        var stuck = TestOps.Pending(TestOps.Set("stuck"), partition: partition, requests: _requests);
        var queued = TestOps.Pending(TestOps.Set("queued"), partition: partition, requests: _requests);
        var other = TestOps.Pending(TestOps.Set("other"), partition: otherPartition, requests: _requests);
        var channelA = _router.Table.ByPartition[partition];
        channelA.Enqueue(stuck);
        channelA.Enqueue(queued);
        channelA.Enqueue(other);
        bool stuckEndedFirst = false;
        _cluster[_b].AutoAnswer = op =>
        {
            if (op.Key == "queued")
            {
                stuckEndedFirst = stuck.IsEnded;
            }

            return GridResult.OfNumber(8);
        };

        // A is stopping: it leaves the active set (its call under way is left to its answer or to abandonment).
        _cluster.SetHosts((_a, SiloStatus.ShuttingDown), (_b, SiloStatus.Active));
        _router.Apply([_b]);

        // Another partition's op goes to B at once; the stuck write's partition waits for it (B must not apply the
        // later write first), and follows once A answers it.
        Assert.Equal(8, (await other.Task.WaitAsync(Bound)).Number);
        Assert.False(queued.Task.IsCompleted);
        Assert.Single(_cluster[_a].Calls).AnswerOk();
        Assert.Equal(8, (await queued.Task.WaitAsync(Bound)).Number);
        Assert.True(stuckEndedFirst);
        Assert.Equal(["other", "queued"], _cluster[_b].Calls.SelectMany(call => call.Keys));
    }

    [Fact]
    public async Task A_write_issued_after_its_partition_moved_waits_for_the_partitions_write_still_out_on_the_old_silo()
    {
        _cluster.SetHosts((_a, SiloStatus.Active), (_b, SiloStatus.Active));
        _router.Apply([_a, _b]);
        int partition = PartitionOwnedBy(_a);
        _cluster[_b].AutoAnswer = _ => GridResult.OfNumber(5);
        var first = TestOps.Pending(TestOps.Set("first"), partition: partition, requests: _requests);
        _router.Table.ByPartition[partition].Enqueue(first);

        // The client learns the partition moved (from another op's answer) while the first write is still out on A.
        _router.OnPartitionsMoved([new PartitionLocation(partition, _b)]);
        var second = TestOps.Pending(TestOps.Set("second"), partition: partition, requests: _requests);
        _router.Table.ByPartition[partition].Enqueue(second);
        Assert.Empty(_cluster[_b].Calls);

        // A did not run it (the partition had left): it goes again to B, and the second write follows it there.
        _cluster[_a].Calls.Single().Answer(_ => GridResult.OfStatus(ResultStatus.NotHere), moved: [new PartitionLocation(partition, _b)]);
        Assert.Equal(5, (await first.Task.WaitAsync(Bound)).Number);
        Assert.Equal(5, (await second.Task.WaitAsync(Bound)).Number);
        Assert.Equal(["first", "second"], _cluster[_b].Calls.SelectMany(call => call.Keys));
    }

    [Fact]
    public async Task NotHere_answer_with_the_partitions_new_home_sends_the_op_there()
    {
        _cluster.SetHosts((_a, SiloStatus.Active), (_b, SiloStatus.Active));
        _router.Apply([_a, _b]);
        int partition = PartitionOwnedBy(_a);
        var op = TestOps.Pending(TestOps.Set("k"), partition: partition);
        _cluster[_b].AutoAnswer = _ => GridResult.OfNumber(3);
        var channelA = _router.Table.ByPartition[partition];

        channelA.Enqueue(op);
        _cluster[_a].Calls.Single().Answer(_ => GridResult.OfStatus(ResultStatus.NotHere), moved: [new PartitionLocation(partition, _b)]);

        Assert.Equal(3, (await op.Task.WaitAsync(Bound)).Number);
        Assert.Equal(_b, _router.Table.ByPartition[partition].Silo);
    }

    [Fact]
    public async Task Op_created_while_no_silo_is_known_is_sent_once_one_is()
    {
        using var router = new PartitionRouter(_cluster, new GridClientOptions { PartitionCount = 16 }, NullLogger.Instance, _requests);
        _cluster.SetHosts();
        _cluster[_a].AutoAnswer = _ => GridResult.OfNumber(6);
        var op = TestOps.Pending(TestOps.Set("k"), requests: _requests);

        router.SendWhenRouted(op);
        _cluster.SetHosts((_a, SiloStatus.Active));

        // The router re-reads membership while it waits (no test call does it), then sends.
        Assert.Equal(6, (await op.Task.WaitAsync(Bound)).Number);
    }

    [Fact]
    public async Task Op_waiting_for_a_silo_fails_with_GridTimeoutException_at_its_deadline()
    {
        using var router = new PartitionRouter(_cluster, new GridClientOptions { PartitionCount = 16 }, NullLogger.Instance, _requests);
        _cluster.SetHosts();
        var op = TestOps.Pending(TestOps.Get("k"), timeout: TimeSpan.FromMilliseconds(200));

        router.SendWhenRouted(op);

        var error = await Assert.ThrowsAsync<GridTimeoutException>(() => op.Task.WaitAsync(Bound));
        Assert.Contains("No active silo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_to_a_live_silo_still_out_when_another_silo_dies_is_abandoned_after_the_grace_and_sent_again()
    {
        _cluster.SetHosts((_a, SiloStatus.Active), (_b, SiloStatus.Active));
        _router.Apply([_a, _b]);
        int partition = PartitionOwnedBy(_b);
        var op = TestOps.Pending(TestOps.Increment("counter"), partition: partition, requests: _requests);
        _router.Table.ByPartition[partition].Enqueue(op);
        var first = await _cluster[_b].WaitForCallAsync(1, Bound);

        // A dies. B's call may have travelled through A's gateway, which would leave it waiting for Orleans' response
        // timeout: after a short grace (not the batch timeout) it is abandoned, and the write goes again with its id.
        _cluster.SetHosts((_a, SiloStatus.Dead), (_b, SiloStatus.Active));
        await _router.RefreshAsync();

        var second = await _cluster[_b].WaitForCallAsync(2, Bound);
        Assert.Equal(first.Ops[0].RequestId, second.Ops[0].RequestId);
        second.Answer(_ => GridResult.OfNumber(1));
        Assert.Equal(1, (await op.Task.WaitAsync(Bound)).Number);
    }

    private int PartitionOwnedBy(SiloAddress silo)
    {
        var byPartition = _router.Table.ByPartition;
        for (int p = 0; p < byPartition.Length; p++)
        {
            if (byPartition[p].Silo.Equals(silo))
            {
                return p;
            }
        }

        throw new InvalidOperationException($"No partition of {byPartition.Length} is owned by {silo}.");
    }
}
