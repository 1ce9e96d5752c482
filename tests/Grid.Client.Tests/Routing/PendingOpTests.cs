using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Grid.Protocol;

namespace Grid.Client.Tests.Routing;

public sealed class PendingOpTests
{
    [Fact]
    public void Writes_get_request_ids_and_reads_do_not()
    {
        var requests = new RequestSequencer();

        var write = TestOps.Pending(TestOps.Set("k"), requests: requests);
        var read = TestOps.Pending(TestOps.Get("k"), requests: requests);
        var unnumbered = TestOps.Pending(TestOps.Set("k"));

        Assert.Equal(1, write.Op.RequestId);
        Assert.True(write.IsIdentified);
        Assert.Equal(0, read.Op.RequestId);
        Assert.False(read.IsIdentified);
        Assert.Equal(0, unnumbered.Op.RequestId);
        Assert.False(unnumbered.IsIdentified);
    }

    [Fact]
    public void A_writes_id_completes_when_it_is_answered_or_fails_and_only_the_first_outcome_counts()
    {
        var requests = new RequestSequencer();
        var answered = TestOps.Pending(TestOps.Set("a"), requests: requests);
        var failed = TestOps.Pending(TestOps.Set("b"), requests: requests);

        failed.Fail(new GridUnavailableException("lost"));
        Assert.Equal(1, requests.CompletedBelow);
        answered.Complete(GridResult.OfNumber(1));
        Assert.Equal(3, requests.CompletedBelow);

        answered.Fail(new GridUnavailableException("too late"));
        failed.Complete(GridResult.Ok);
        Assert.Equal(1, answered.Task.Result.Number);
        Assert.IsType<GridUnavailableException>(TestOps.ErrorOf(failed));
    }

    [Fact]
    public void Completing_never_runs_the_callers_continuation_inline()
    {
        var op = TestOps.Pending(TestOps.Get("k"));
        int completingThread = Environment.CurrentManagedThreadId;
        int? continuationThread = null;
        using var ran = new ManualResetEventSlim();
        op.Task.ContinueWith(_ => { continuationThread = Environment.CurrentManagedThreadId; ran.Set(); }, TaskContinuationOptions.ExecuteSynchronously);

        op.Complete(GridResult.Ok);

        Assert.True(ran.Wait(TimeSpan.FromSeconds(10)), "the continuation did not run");
        Assert.NotEqual(completingThread, continuationThread);
    }

    [Fact]
    public void Deadline_is_inclusive()
    {
        var op = TestOps.Pending(TestOps.Get("k"), timeout: TimeSpan.FromSeconds(1));

        Assert.False(op.IsExpired(op.Deadline - 1));
        Assert.True(op.IsExpired(op.Deadline));
    }
}
