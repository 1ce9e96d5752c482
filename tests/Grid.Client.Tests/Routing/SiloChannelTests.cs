using System.Text;
using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Orleans.Runtime;

namespace Grid.Client.Tests.Routing;

/// <summary>
/// <see cref="SiloChannel"/> driven directly: a fake silo entry answers when the test says, a fake listener records
/// what the channel hands back to its router. Answers complete inline, so the channel's work is done when a test's
/// <c>Answer</c> returns; only callers' continuations hop to the thread pool, and tests await those with a bound.
/// </summary>
public sealed class SiloChannelTests
{
    /// <summary>Bound on waiting for a caller's task (a failure detector, never a pause: tests await completion).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private const long BatchTimeoutMs = 2_000;

    private readonly FakeSiloEntryGrain _silo = new();
    private readonly FakeBatchListener _listener = new();

    private SiloChannel Channel(int maxInFlight = 1, int maxBatch = 256, RequestSequencer? requests = null) =>
        new(TestOps.Silo(1), _silo, _listener, maxBatch, maxInFlight, requests);

    [Fact]
    public async Task Lone_op_leaves_at_once_and_completes_with_its_answer()
    {
        var channel = Channel();
        var op = TestOps.Pending(TestOps.Get("a"));

        channel.Enqueue(op);

        Assert.Equal(["a"], Assert.Single(_silo.Calls).Keys);
        Assert.Equal(1, channel.InFlightCount);
        _silo[0].Answer(_ => GridResult.OfNumber(42));
        Assert.Equal(42, (await op.Task.WaitAsync(Bound)).Number);
        Assert.Equal(0, channel.InFlightCount);
    }

    [Fact]
    public async Task Ops_queued_while_every_slot_is_busy_leave_together_when_a_call_returns()
    {
        var channel = Channel(maxInFlight: 2);
        var ops = new[] { "a", "b", "c", "d", "e" }.Select(key => TestOps.Pending(TestOps.Get(key))).ToArray();

        foreach (var op in ops)
        {
            channel.Enqueue(op);
        }

        Assert.Equal(2, _silo.Calls.Length);
        Assert.Equal(["a"], _silo[0].Keys);
        Assert.Equal(["b"], _silo[1].Keys);

        _silo[0].AnswerOk();
        Assert.Equal(3, _silo.Calls.Length);
        Assert.Equal(["c", "d", "e"], _silo[2].Keys);

        _silo[1].AnswerOk();
        Assert.Equal(3, _silo.Calls.Length);
        _silo[2].AnswerOk();
        var results = await Task.WhenAll(ops.Select(op => op.Task)).WaitAsync(Bound);
        Assert.Equal([1L, 1, 1, 2, 3], results.Select(result => result.Number));
        Assert.Equal(0, channel.InFlightCount);
    }

    [Fact]
    public async Task A_range_of_several_batches_fills_every_free_slot_at_once()
    {
        var channel = Channel(maxInFlight: 2, maxBatch: 2);
        var ops = new[] { "a", "b", "c", "d", "e" }.Select(key => TestOps.Pending(TestOps.Get(key))).ToArray();

        channel.EnqueueRange([.. ops]);

        Assert.Equal([["a", "b"], ["c", "d"]], _silo.Calls.Select(call => call.Keys));
        Assert.Equal(2, channel.InFlightCount);
        _silo[1].AnswerOk();
        Assert.Equal(["e"], _silo[2].Keys);
        _silo[0].AnswerOk();
        _silo[2].AnswerOk();
        await Task.WhenAll(ops.Select(op => op.Task)).WaitAsync(Bound);
        Assert.Equal(0, channel.InFlightCount);
    }

    [Fact]
    public void Batches_are_cut_to_the_clusters_MaxOpsPerCall_and_the_channels_MaxBatchSize()
    {
        _listener.MaxOpsPerCall = 3;
        var channel = Channel(maxInFlight: 1, maxBatch: 2);
        channel.Enqueue(TestOps.Pending(TestOps.Get("first")));
        channel.EnqueueRange([.. new[] { "a", "b", "c", "d", "e" }.Select(key => TestOps.Pending(TestOps.Get(key)))]);

        _silo[0].AnswerOk();
        _silo[1].AnswerOk();
        _silo[2].AnswerOk();

        Assert.Equal([["first"], ["a", "b"], ["c", "d"], ["e"]], _silo.Calls.Select(call => call.Keys));

        _listener.MaxOpsPerCall = 1;
        var other = Channel(maxInFlight: 1, maxBatch: 256);
        other.EnqueueRange([TestOps.Pending(TestOps.Get("x")), TestOps.Pending(TestOps.Get("y"))]);
        Assert.Equal(["x"], _silo[4].Keys);
    }

    [Fact]
    public void Batches_of_large_values_are_cut_to_stay_off_the_large_object_heap()
    {
        var channel = Channel(maxInFlight: 1);
        channel.Enqueue(TestOps.Pending(TestOps.Get("first")));
        string large = new('x', EntryLane.MaxBatchBytes / 2 - 100);
        channel.EnqueueRange([.. new[] { "a", "b", "c" }.Select(key => TestOps.Pending(TestOps.Set(key, large)))]);

        _silo[0].AnswerOk();
        _silo[1].AnswerOk();

        Assert.Equal([["first"], ["a", "b"], ["c"]], _silo.Calls.Select(call => call.Keys));
    }

    [Fact]
    public void An_op_of_a_partition_with_a_write_still_out_waits_for_its_answer_while_other_partitions_leave()
    {
        // Two batch calls under way are not ordered on their way: a later op of the same partition must not overtake.
        var channel = Channel(maxInFlight: 2);
        channel.Enqueue(TestOps.Pending(TestOps.Set("a", "1"), partition: 7));
        channel.Enqueue(TestOps.Pending(TestOps.Set("a", "2"), partition: 7));
        channel.Enqueue(TestOps.Pending(TestOps.Get("b"), partition: 8));
        channel.Enqueue(TestOps.Pending(TestOps.Get("a"), partition: 7));

        Assert.Equal([["a"], ["b"]], _silo.Calls.Select(call => call.Keys));
        _silo[0].AnswerOk();

        // Once the first batch is answered, the held ops leave in their order.
        Assert.Equal([["a"], ["b"], ["a", "a"]], _silo.Calls.Select(call => call.Keys));
    }

    [Fact]
    public async Task A_write_held_behind_an_abandoned_call_waits_until_that_calls_write_went_again_and_ended()
    {
        // Before (2026-12-07): the held write left as soon as the call was given up, and the given-up write, sent again
        // after its back-off, overwrote it.
        var channel = Channel(maxInFlight: 2);
        _listener.OnFenceReleased = channel.Kick;
        var first = TestOps.Pending(TestOps.Set("a", "1"), partition: 7);
        var second = TestOps.Pending(TestOps.Set("a", "2"), partition: 7);
        var other = TestOps.Pending(TestOps.Set("b", "1"), partition: 8);
        channel.Enqueue(first);
        channel.Enqueue(second);
        Assert.Single(_silo.Calls);

        channel.AbandonSentBefore(long.MaxValue, new GridUnavailableException("test: the call may have gone through a dead gateway"));
        channel.Enqueue(other);

        Assert.Equal([first], _listener.Resent.Select(request => request.Op));
        Assert.Equal([["a"], ["b"]], _silo.Calls.Select(call => call.Keys));

        // The router sends the first write again (here: into the same queue, behind the held one); it leaves first.
        channel.Enqueue(first);
        Assert.Equal([["a"], ["b"], ["a"]], _silo.Calls.Select(call => call.Keys));
        _silo[2].AnswerOk();

        // Its end releases the fence; the held write leaves after it.
        await Poll.UntilAsync(() => Task.FromResult(_silo.Calls.Length == 4), Bound, "the held write left");
        Assert.Equal(second.Op.RequestId, _silo[3].Ops.Single().RequestId);
        Assert.Equal(0, _listener.Fence.Count);
    }

    [Fact]
    public async Task A_write_held_behind_a_failed_call_waits_for_it_but_other_partitions_do_not()
    {
        var channel = Channel(maxInFlight: 1);
        _listener.OnFenceReleased = channel.Kick;
        var first = TestOps.Pending(TestOps.Set("a", "1"), partition: 7);
        var second = TestOps.Pending(TestOps.Set("a", "2"), partition: 7);
        var other = TestOps.Pending(TestOps.Get("b"), partition: 8);
        channel.Enqueue(first);
        channel.Enqueue(second);
        channel.Enqueue(other);

        _silo[0].Fail(new GridUnavailableException("test: the silo could not be reached"));

        Assert.Equal([first], _listener.Resent.Select(request => request.Op));
        Assert.Equal([["a"], ["b"]], _silo.Calls.Select(call => call.Keys));
        first.Fail(new GridTimeoutException("test: the resend ran out of time"));
        _silo[1].AnswerOk();
        await Poll.UntilAsync(() => Task.FromResult(_silo.Calls.Length == 3), Bound, "the held write left once the first ended");
        Assert.Equal(["a"], _silo[2].Keys);
    }

    [Fact]
    public void When_its_silo_leaves_the_queue_goes_again_behind_the_calls_still_out()
    {
        var channel = Channel(maxInFlight: 1);
        var sent = TestOps.Pending(TestOps.Set("a", "1"), partition: 7);
        var queued = TestOps.Pending(TestOps.Set("a", "2"), partition: 7);
        channel.Enqueue(sent);
        channel.Enqueue(queued);

        channel.Retire();

        // The queued write is fenced behind the write still out: wherever it goes, it waits until that one ends.
        Assert.Equal(2, _listener.Fence.Count);
        Assert.True(_listener.Fence.MustWait(queued));
        Assert.False(_listener.Fence.MustWait(sent));
        _silo[0].AnswerOk();
        Assert.False(_listener.Fence.MustWait(queued));
    }

    [Fact]
    public void Reads_of_one_partition_pass_each_other_but_a_write_waits_for_reads_still_out()
    {
        var channel = Channel(maxInFlight: 3);
        channel.Enqueue(TestOps.Pending(TestOps.Get("a"), partition: 7));
        channel.Enqueue(TestOps.Pending(TestOps.Get("a"), partition: 7));
        channel.Enqueue(TestOps.Pending(TestOps.Set("a", "1"), partition: 7));

        Assert.Equal([["a"], ["a"]], _silo.Calls.Select(call => call.Keys));
        _silo[0].AnswerOk();
        Assert.Equal(2, _silo.Calls.Length);
        _silo[1].AnswerOk();
        Assert.Equal(3, _silo.Calls.Length);
    }

    [Fact]
    public async Task Caller_that_blocks_in_its_continuation_holds_its_slot_only_until_the_rescue()
    {
        var channel = Channel(maxInFlight: 1);
        var first = TestOps.Pending(TestOps.Get("a"));
        var second = TestOps.Pending(TestOps.Get("b"));

        // Its continuation runs inline on the batch's delivery and blocks that thread until an op queued behind the
        // batch's own slot is answered (which, without a rescue, would never be sent).
        using var caller = new BlockingCaller(first);
        channel.Enqueue(first);
        var answering = Task.Run(() => _silo[0].AnswerOk());
        await caller.Entered.WaitAsync(Bound);

        channel.Enqueue(second);
        Assert.Single(_silo.Calls);

        // The blocked thread is seen waiting once its wait got past spinning (how the listener tells blocking from slow).
        var deadline = DateTime.UtcNow + Bound;
        while (caller.Thread is not { } thread || (thread.ThreadState & ThreadState.WaitSleepJoin) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the caller's thread never waited");
            await Task.Delay(5);
        }

        // The first check only notes where the delivery stands; not stalled over enough checks yet: nothing happens.
        channel.RescueStalled(Environment.TickCount64, checks: 2);
        channel.RescueStalled(Environment.TickCount64, checks: 2);
        Assert.Single(_silo.Calls);

        channel.RescueStalled(Environment.TickCount64, checks: 2);
        Assert.Equal(2, _silo.Calls.Length);
        Assert.Equal(TestOps.Silo(1), Assert.Single(_listener.Stalls));
        Assert.True(Assert.Single(_listener.StallsBlocked));
        _silo[1].AnswerOk();
        Assert.Equal(1, (await second.Task.WaitAsync(Bound)).Number);
        Assert.False(answering.IsCompleted);

        caller.Release();
        await caller.Finished.WaitAsync(Bound);
        Assert.Equal(0, channel.InFlightCount);
    }

    [Fact]
    public async Task A_delivery_held_by_a_busy_continuation_is_rescued_but_not_reported_as_a_blocking_caller()
    {
        // A continuation that runs long (or a thread the machine does not schedule) holds the delivery as a blocking one
        // does, and is rescued the same way; but its thread is running, not waiting: no sync-over-async warning.
        var channel = Channel(maxInFlight: 1);
        var first = TestOps.Pending(TestOps.Get("a"));
        var second = TestOps.Pending(TestOps.Get("b"));
        using var caller = new BusyCaller(first);
        channel.Enqueue(first);
        var answering = Task.Run(() => _silo[0].AnswerOk());
        await caller.Entered.WaitAsync(Bound);
        channel.Enqueue(second);

        for (int check = 0; check < 3; check++)
        {
            channel.RescueStalled(Environment.TickCount64, checks: 2);
        }

        Assert.Equal(2, _silo.Calls.Length);
        Assert.Equal(TestOps.Silo(1), Assert.Single(_listener.Stalls));
        Assert.False(Assert.Single(_listener.StallsBlocked));

        caller.Release();
        await caller.Finished.WaitAsync(Bound);
        await answering.WaitAsync(Bound);
        _silo[1].AnswerOk();
        Assert.Equal(1, (await second.Task.WaitAsync(Bound)).Number);
    }

    [Fact]
    public async Task Rescue_hands_the_rest_of_a_stalled_batch_out_and_each_caller_completes_once()
    {
        var channel = Channel(maxInFlight: 1);
        var ops = new[] { "a", "b", "c" }.Select(key => TestOps.Pending(TestOps.Get(key))).ToArray();
        using var caller = new BlockingCaller(ops[0]);
        int completions = 0;
        foreach (var op in ops)
        {
            _ = op.Task.ContinueWith(_ => Interlocked.Increment(ref completions), TaskContinuationOptions.ExecuteSynchronously);
        }

        channel.EnqueueRange([.. ops]);
        var answering = Task.Run(() => _silo[0].AnswerOk());
        await caller.Entered.WaitAsync(Bound);
        Assert.False(ops[1].Task.IsCompleted);

        Rescue(channel);

        await ops[1].Task.WaitAsync(Bound);
        await ops[2].Task.WaitAsync(Bound);
        Assert.False(answering.IsCompleted);

        // The blocked thread, once free, finds nothing left to hand out: every caller completed exactly once.
        caller.Release();
        await answering.WaitAsync(Bound);
        await caller.Finished.WaitAsync(Bound);
        Assert.Equal(3, Volatile.Read(ref completions));
        Assert.Equal(0, channel.InFlightCount);
    }

    [Fact]
    public async Task After_a_rescue_the_lane_completes_callers_off_the_answering_thread()
    {
        var channel = Channel(maxInFlight: 1);
        var first = TestOps.Pending(TestOps.Get("a"));
        using (var caller = new BlockingCaller(first))
        {
            channel.Enqueue(first);
            var answering = Task.Run(() => _silo[0].AnswerOk());
            await caller.Entered.WaitAsync(Bound);
            Rescue(channel);
            caller.Release();
            await caller.Finished.WaitAsync(Bound);
            await answering.WaitAsync(Bound);
        }

        // A caller blocked a delivery: for a while this lane's callers run on work items of their own, so the answer is
        // delivered while the next caller's continuation still blocks.
        var next = TestOps.Pending(TestOps.Get("b"));
        using var blocked = new BlockingCaller(next);
        channel.Enqueue(next);
        var delivered = Task.Run(() => _silo[1].AnswerOk());
        await blocked.Entered.WaitAsync(Bound);
        await delivered.WaitAsync(Bound);
        blocked.Release();
        await blocked.Finished.WaitAsync(Bound);
    }

    [Fact]
    public void Answered_batch_completes_its_callers_inline_and_what_they_send_meanwhile_leaves_as_one_batch()
    {
        var channel = Channel(maxInFlight: 1);
        var first = new[] { "a", "b", "c" }.Select(key => TestOps.Pending(TestOps.Get(key))).ToArray();
        var next = new List<PendingOp>();
        foreach (var op in first)
        {
            // Each caller sends its next op from its continuation (the common await-loop).
            _ = op.Task.ContinueWith(
                t =>
                {
                    var follow = TestOps.Pending(TestOps.Get(Encoding.UTF8.GetString(t.Result.Value!) + "2"));
                    lock (next)
                    {
                        next.Add(follow);
                    }

                    channel.Enqueue(follow);
                },
                TaskContinuationOptions.ExecuteSynchronously);
        }

        channel.EnqueueRange([.. first]);
        _silo[0].Answer(op => GridResult.OfValue(Encoding.UTF8.GetBytes(op.Key)));

        // All three continuations ran while the batch still held the slot: their ops left together when it was freed.
        Assert.Equal(2, _silo.Calls.Length);
        Assert.Equal(["a2", "b2", "c2"], _silo[1].Keys);
    }

    /// <summary>Two watchdog checks that find a delivery where it was: the second rescues it (as 5 checks do in the client).</summary>
    private static void Rescue(SiloChannel channel)
    {
        channel.RescueStalled(Environment.TickCount64, checks: 1);
        channel.RescueStalled(Environment.TickCount64, checks: 1);
    }

    [Fact]
    public void Call_out_shorter_than_the_batch_timeout_is_left_alone()
    {
        var channel = Channel(maxInFlight: 1);
        channel.Enqueue(TestOps.Pending(TestOps.Get("a")));

        channel.CheckDeadlines(Environment.TickCount64, BatchTimeoutMs);

        Assert.Empty(_listener.Resent);
        Assert.Equal(1, channel.InFlightCount);
    }

    [Fact]
    public async Task Call_out_longer_than_the_batch_timeout_is_abandoned_its_ops_resent_and_its_slot_freed()
    {
        var channel = Channel(maxInFlight: 1);
        var stuck = TestOps.Pending(TestOps.Get("a"));
        var queued = TestOps.Pending(TestOps.Get("b"));
        channel.Enqueue(stuck);
        channel.Enqueue(queued);
        Assert.Single(_silo.Calls);

        channel.CheckDeadlines(Environment.TickCount64 + BatchTimeoutMs, BatchTimeoutMs);

        var resent = Assert.Single(_listener.Resent);
        Assert.Same(stuck, resent.Op);
        Assert.False(resent.NotRun);
        Assert.IsType<GridUnavailableException>(resent.Reason);
        Assert.False(stuck.Task.IsCompleted);

        // The freed slot took the queued op at once.
        Assert.Equal(2, _silo.Calls.Length);
        Assert.Equal(["b"], _silo[1].Keys);
        Assert.Equal(1, channel.InFlightCount);
        _silo[1].AnswerOk();
        await queued.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Late_answer_of_an_abandoned_call_is_ignored_and_does_not_free_another_calls_slot()
    {
        var channel = Channel(maxInFlight: 1);
        var stuck = TestOps.Pending(TestOps.Get("a"));
        channel.Enqueue(stuck);
        channel.CheckDeadlines(Environment.TickCount64 + BatchTimeoutMs, BatchTimeoutMs);
        var next = TestOps.Pending(TestOps.Get("b"));
        channel.Enqueue(next);
        var waiting = TestOps.Pending(TestOps.Get("c"));
        channel.Enqueue(waiting);
        Assert.Equal(2, _silo.Calls.Length);

        _silo[0].Answer(_ => GridResult.OfNumber(99));

        Assert.False(stuck.Task.IsCompleted);
        Assert.Equal(1, channel.InFlightCount);
        Assert.Equal(2, _silo.Calls.Length);

        _silo[1].Answer(_ => GridResult.OfNumber(7));
        Assert.Equal(7, (await next.Task.WaitAsync(Bound)).Number);
        Assert.Equal(["c"], _silo[2].Keys);
        Assert.Single(_listener.Resent);
    }

    [Fact]
    public void Late_failure_of_an_abandoned_call_is_ignored()
    {
        var channel = Channel(maxInFlight: 1);
        channel.Enqueue(TestOps.Pending(TestOps.Get("a")));
        channel.CheckDeadlines(Environment.TickCount64 + BatchTimeoutMs, BatchTimeoutMs);

        _silo[0].Fail(new TimeoutException("Orleans' response timeout"));

        Assert.Single(_listener.Resent);
        Assert.Empty(_listener.BatchFailures);
        Assert.Equal(0, channel.InFlightCount);
    }

    [Fact]
    public async Task Queued_op_whose_deadline_passed_fails_with_GridTimeoutException_and_is_never_sent()
    {
        var channel = Channel(maxInFlight: 1);
        var sent = TestOps.Pending(TestOps.Get("a"));
        var queued = TestOps.Pending(TestOps.Set("b"), timeout: TimeSpan.FromMinutes(1));
        channel.Enqueue(sent);
        channel.Enqueue(queued);

        // Past the queued op's deadline, well within the batch timeout (the call is slow, not stuck).
        channel.CheckDeadlines(Environment.TickCount64 + (long)TimeSpan.FromMinutes(2).TotalMilliseconds, batchTimeout: long.MaxValue / 2);

        var error = await Assert.ThrowsAsync<GridTimeoutException>(() => queued.Task.WaitAsync(Bound));
        Assert.Contains("queue", error.Message, StringComparison.Ordinal);
        Assert.Contains("may or may not have been applied", error.Message, StringComparison.Ordinal);
        _silo[0].AnswerOk();
        await sent.Task.WaitAsync(Bound);
        Assert.Single(_silo.Calls);
        Assert.Empty(_listener.Resent);
    }

    [Fact]
    public async Task Op_that_expired_while_queued_fails_when_its_slot_frees_instead_of_leaving()
    {
        var channel = Channel(maxInFlight: 1);
        channel.Enqueue(TestOps.Pending(TestOps.Get("a")));
        var expired = TestOps.Expired(TestOps.Get("b"));
        var live = TestOps.Pending(TestOps.Get("c"));
        channel.Enqueue(expired);
        channel.Enqueue(live);

        _silo[0].AnswerOk();

        await Assert.ThrowsAsync<GridTimeoutException>(() => expired.Task.WaitAsync(Bound));
        Assert.Equal(["c"], _silo[1].Keys);
    }

    [Fact]
    public async Task Op_enqueued_after_its_deadline_fails_without_a_call()
    {
        var channel = Channel(maxInFlight: 1);
        var expired = TestOps.Expired(TestOps.Get("a"));

        channel.Enqueue(expired);

        await Assert.ThrowsAsync<GridTimeoutException>(() => expired.Task.WaitAsync(Bound));
        Assert.Empty(_silo.Calls);
        Assert.Equal(0, channel.InFlightCount);
    }

    [Fact]
    public async Task Op_whose_call_does_not_come_back_fails_at_its_deadline_not_at_the_batch_timeout()
    {
        var channel = Channel(maxInFlight: 1);
        var op = TestOps.Pending(TestOps.Get("a"), timeout: TimeSpan.FromSeconds(1));
        channel.Enqueue(op);

        // The op's deadline has passed; the call has not been out for the batch timeout yet.
        channel.CheckDeadlines(Environment.TickCount64 + 1_500, batchTimeout: 60_000);

        var error = await Assert.ThrowsAsync<GridTimeoutException>(() => op.Task.WaitAsync(Bound));
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Empty(_listener.Resent);

        // The call is still out; its answer, when it comes, changes nothing for the caller and frees the slot.
        Assert.Equal(1, channel.InFlightCount);
        _silo[0].Answer(_ => GridResult.OfNumber(5));
        Assert.Equal(0, channel.InFlightCount);
        Assert.True(op.Task.IsFaulted);
    }

    [Fact]
    public void Retired_channel_hands_back_its_queued_ops_and_everything_enqueued_later_as_not_run()
    {
        var channel = Channel(maxInFlight: 1);
        var sent = TestOps.Pending(TestOps.Set("a"));
        var queued = new[] { TestOps.Pending(TestOps.Set("b")), TestOps.Pending(TestOps.Increment("c")) };
        channel.Enqueue(sent);
        channel.EnqueueRange([.. queued]);

        channel.Retire();
        var later = TestOps.Pending(TestOps.Set("d"));
        channel.Enqueue(later);
        var laterRange = TestOps.Pending(TestOps.Set("e"));
        channel.EnqueueRange([laterRange]);

        var resent = _listener.Resent.ToArray();
        Assert.Equal([queued[0], queued[1], later, laterRange], resent.Select(request => request.Op));
        Assert.All(resent, request => Assert.True(request.NotRun));
        Assert.All(resent, request => Assert.IsType<GridUnavailableException>(request.Reason));
        Assert.Single(_silo.Calls);

        // The call under way is not the retirement's business: its answer still completes its op.
        _silo[0].AnswerOk();
        Assert.True(sent.Task.IsCompletedSuccessfully);
        Assert.Single(_silo.Calls);
    }

    [Fact]
    public async Task NotHere_answer_sends_that_op_again_as_not_run_and_completes_the_others()
    {
        var channel = Channel();
        var moved = TestOps.Pending(TestOps.Set("moved"));
        var here = TestOps.Pending(TestOps.Set("here"));
        channel.EnqueueRange([moved, here]);

        _silo[0].Answer(op => op.Key == "moved" ? GridResult.OfStatus(ResultStatus.NotHere) : GridResult.OfNumber(3));

        var resent = Assert.Single(_listener.Resent);
        Assert.Same(moved, resent.Op);
        Assert.True(resent.NotRun);
        Assert.False(moved.Task.IsCompleted);
        Assert.Equal(3, (await here.Task.WaitAsync(Bound)).Number);
    }

    [Fact]
    public void Partitions_the_silo_says_live_elsewhere_reach_the_router()
    {
        var channel = Channel();
        channel.Enqueue(TestOps.Pending(TestOps.Get("a")));
        var elsewhere = new PartitionLocation(7, TestOps.Silo(2));

        _silo[0].Answer(_ => GridResult.OfStatus(ResultStatus.NotHere), moved: [elsewhere]);

        Assert.Equal(elsewhere, Assert.Single(Assert.Single(_listener.Moves)));
    }

    [Fact]
    public async Task Busy_refusal_fails_the_batch_at_once_without_resending_it()
    {
        var channel = Channel(maxInFlight: 1);
        var ops = new[] { TestOps.Pending(TestOps.Set("a")), TestOps.Pending(TestOps.Get("b")) };
        channel.EnqueueRange([.. ops]);
        var busy = new GridBusyException("This client has too many requests running on the silo.");

        _silo[0].Fail(busy);

        foreach (var op in ops)
        {
            Assert.Same(busy, await Assert.ThrowsAsync<GridBusyException>(() => op.Task.WaitAsync(Bound)));
        }

        Assert.Empty(_listener.Resent);
        Assert.Empty(_listener.BatchFailures);
        Assert.Equal(0, channel.InFlightCount);
        channel.Enqueue(TestOps.Pending(TestOps.Get("c")));
        Assert.Equal(2, _silo.Calls.Length);
    }

    [Fact]
    public void Failed_call_that_may_have_run_goes_back_to_the_router_as_maybe_run()
    {
        var channel = Channel();
        var op = TestOps.Pending(TestOps.Set("a"));
        channel.Enqueue(op);
        var timeout = new TimeoutException("Response did not arrive on time.");

        _silo[0].Fail(timeout);

        Assert.Same(timeout, Assert.Single(_listener.BatchFailures));
        var resent = Assert.Single(_listener.Resent);
        Assert.Same(op, resent.Op);
        Assert.False(resent.NotRun);
        Assert.Same(timeout, resent.Reason);
        Assert.Equal(0, channel.InFlightCount);
    }

    [Theory]
    [InlineData("Target silo S127.0.0.1:11111:1 is unavailable.", true)]
    [InlineData("The target silo became unavailable for message Request.", false)]
    public void Call_Orleans_refused_to_deliver_goes_back_as_not_run_and_one_lost_on_the_way_as_maybe_run(string message, bool notRun)
    {
        var channel = Channel();
        channel.Enqueue(TestOps.Pending(TestOps.Set("a")));

        _silo[0].Fail(new SiloUnavailableException(message));

        Assert.Equal(notRun, Assert.Single(_listener.Resent).NotRun);
    }

    [Fact]
    public async Task Unreadable_answer_fails_the_batch_and_frees_its_slot()
    {
        var channel = Channel(maxInFlight: 1);
        var ops = new[] { TestOps.Pending(TestOps.Get("a")), TestOps.Pending(TestOps.Get("b")) };
        channel.EnqueueRange([.. ops]);
        var queued = TestOps.Pending(TestOps.Get("c"));
        channel.Enqueue(queued);

        // A result frame of a version this client does not read (a silo of another release).
        _silo[0].AnswerFrame([ResultFrame.Version + 1, 2]);

        foreach (var op in ops)
        {
            var error = await Assert.ThrowsAsync<GridException>(() => op.Task.WaitAsync(Bound));
            Assert.IsType<FormatException>(error.InnerException);
        }

        Assert.Equal(["c"], _silo[1].Keys);
    }

    [Fact]
    public async Task Answer_cut_off_in_its_last_result_fails_every_op_and_hands_out_none()
    {
        // Results are decoded as they are handed out; the answer is checked whole before the first one is.
        var channel = Channel(maxInFlight: 1);
        var ops = new[] { TestOps.Pending(TestOps.Get("a")), TestOps.Pending(TestOps.Get("b")) };
        channel.EnqueueRange([.. ops]);
        channel.Enqueue(TestOps.Pending(TestOps.Get("c")));

        using var frame = new FrameBuffer(64);
        ResultFrame.WriteHeader(frame, 2);
        ResultFrame.Write(frame, GridResult.OfValue(Encoding.UTF8.GetBytes("whole")));
        ResultFrame.Write(frame, GridResult.OfValue(new byte[40]));
        _silo[0].AnswerFrame(frame.Written[..^10].ToArray());

        foreach (var op in ops)
        {
            var error = await Assert.ThrowsAsync<GridException>(() => op.Task.WaitAsync(Bound));
            Assert.IsType<FormatException>(error.InnerException);
        }

        Assert.Equal(["c"], _silo[1].Keys);
    }

    [Fact]
    public async Task Answer_with_the_wrong_number_of_results_fails_the_batch_and_frees_its_slot()
    {
        var channel = Channel(maxInFlight: 1);
        var ops = new[] { TestOps.Pending(TestOps.Get("a")), TestOps.Pending(TestOps.Get("b")) };
        channel.EnqueueRange([.. ops]);
        channel.Enqueue(TestOps.Pending(TestOps.Get("c")));

        using var frame = new FrameBuffer(16);
        ResultFrame.WriteHeader(frame, 1);
        ResultFrame.Write(frame, GridResult.Ok);
        _silo[0].AnswerFrame(frame.ToArray());

        foreach (var op in ops)
        {
            await Assert.ThrowsAsync<GridException>(() => op.Task.WaitAsync(Bound));
        }

        Assert.Equal(["c"], _silo[1].Keys);
    }

    [Fact]
    public async Task Request_frames_carry_the_request_origin_the_writes_request_ids_and_the_tracking_slot()
    {
        var requests = new RequestSequencer();
        var channel = Channel(maxInFlight: 1, requests: requests);
        channel.TrackingSlot = 5;
        var ops = new[]
        {
            TestOps.Pending(TestOps.Set("a"), requests: requests),
            TestOps.Pending(TestOps.Get("b"), requests: requests),
            TestOps.Pending(TestOps.Increment("c"), requests: requests),
        };
        channel.EnqueueRange([.. ops]);

        var call = _silo[0];
        Assert.Equal(new RequestOrigin(requests.ClientId, 1), call.Origin);
        Assert.Equal(5, call.TrackingSlot);
        Assert.Equal([1L, 0, 2], call.Ops.Select(op => op.RequestId));

        call.AnswerOk();
        await Task.WhenAll(ops.Select(op => op.Task)).WaitAsync(Bound);
        channel.Enqueue(TestOps.Pending(TestOps.Set("d"), requests: requests));

        Assert.Equal(new RequestOrigin(requests.ClientId, 3), _silo[1].Origin);
        Assert.Equal(3, Assert.Single(_silo[1].Ops).RequestId);
    }

    [Fact]
    public void Frames_of_a_channel_without_a_sequencer_carry_no_origin()
    {
        var channel = Channel();
        channel.Enqueue(TestOps.Pending(TestOps.Set("a")));

        Assert.Equal(default, _silo[0].Origin);
        Assert.Equal(-1, _silo[0].TrackingSlot);
        Assert.Equal(0, Assert.Single(_silo[0].Ops).RequestId);
    }
}
