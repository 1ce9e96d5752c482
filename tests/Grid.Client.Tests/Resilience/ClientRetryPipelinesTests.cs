using Grid.Client.Resilience;
using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Grid.Client.Tests.Resilience;

/// <summary>
/// <see cref="ClientRetryPipelines"/>: the back-off, the router's resend loop (only "wait" is retried, never an
/// exception; waits bounded by the operation's deadline) and write-behind's store retries. Delays run on a
/// <see cref="FakeTimeProvider"/> or are zero; tests wait (bounded) for tasks, never for a fixed time.
/// </summary>
public sealed class ClientRetryPipelinesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 20)]
    [InlineData(2, 40)]
    [InlineData(5, 320)]
    [InlineData(6, 500)]
    [InlineData(7, 500)]
    [InlineData(63, 500)]
    [InlineData(int.MaxValue, 500)]
    [InlineData(-1, 10)]
    public void Backoff_doubles_from_the_first_delay_up_to_the_maximum_without_overflow(int attempt, int expectedMs)
    {
        var delay = ClientRetryPipelines.Backoff(attempt, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(500));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }

    [Fact]
    public void Resend_backoff_matches_the_routers_documented_10_to_500_ms()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(10), ClientRetryPipelines.FirstResendDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(500), ClientRetryPipelines.MaxResendDelay);
    }

    [Fact]
    public async Task Resend_waits_the_backoff_of_the_ops_retries_before_the_next_turn()
    {
        var time = new FakeTimeProvider();
        var pipeline = ClientRetryPipelines.Resend(time);
        var op = TestOps.Pending(TestOps.Get("k"));
        op.Retries = 2;   // 40 ms
        int turns = 0;

        var run = RunAsync(pipeline, op, () => ++turns == 1 ? ResendStep.Wait : ResendStep.Done);

        Assert.Equal(1, turns);
        time.Advance(TimeSpan.FromMilliseconds(39));
        Assert.Equal(1, turns);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ResendStep.Done, await run.WaitAsync(Bound));
        Assert.Equal(2, turns);
    }

    [Fact]
    public async Task Resend_of_an_op_past_its_deadline_does_not_wait()
    {
        var time = new FakeTimeProvider();
        var pipeline = ClientRetryPipelines.Resend(time);
        var op = TestOps.Expired(TestOps.Get("k"));
        int turns = 0;

        // The clock never moves: every wait must be zero, so the turn that ends it comes at once.
        var step = await RunAsync(pipeline, op, () => ++turns < 4 ? ResendStep.Wait : ResendStep.Done).WaitAsync(Bound);

        Assert.Equal(ResendStep.Done, step);
        Assert.Equal(4, turns);
    }

    [Fact]
    public async Task Resend_never_retries_an_exception()
    {
        var pipeline = ClientRetryPipelines.Resend(new FakeTimeProvider());
        var op = TestOps.Expired(TestOps.Set("k"));
        int turns = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(pipeline, op, () =>
        {
            turns++;
            throw new InvalidOperationException("a bug, not a routing failure");
        }));
        Assert.Equal(1, turns);
    }

    [Fact]
    public async Task Store_retry_retries_failures_with_doubling_delays_until_the_call_succeeds()
    {
        var delays = new List<TimeSpan>();
        var pipeline = ClientRetryPipelines.StoreRetry(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), args =>
        {
            delays.Add(args.RetryDelay);
            return ValueTask.CompletedTask;
        }, TimeProvider.System);
        int calls = 0;

        await pipeline.ExecuteAsync(_ => ++calls <= 5 ? throw new IOException("store down") : ValueTask.CompletedTask).AsTask().WaitAsync(Bound);

        Assert.Equal(6, calls);
        Assert.Equal(new[] { 1, 2, 4, 4, 4 }, delays.Select(d => (int)d.TotalMilliseconds));
    }

    [Fact]
    public async Task Store_retry_stops_when_its_token_is_cancelled()
    {
        using var abandon = new CancellationTokenSource();
        var time = new FakeTimeProvider();
        var pipeline = ClientRetryPipelines.StoreRetry(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), _ => ValueTask.CompletedTask, time);
        int calls = 0;

        var run = pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new IOException("store down");
        }, abandon.Token).AsTask();
        await abandon.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
        Assert.Equal(1, calls);
    }

    private static async Task<ResendStep> RunAsync(ResiliencePipeline<ResendStep> pipeline, PendingOp op, Func<ResendStep> turn)
    {
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(ClientRetryPipelines.ResentOp, op);
        try
        {
            return await pipeline.ExecuteAsync(static (_, turn) => ValueTask.FromResult(turn()), context, turn);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
