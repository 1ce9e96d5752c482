using Polly;
using Polly.Retry;

namespace Grid.Client.Resilience;

/// <summary>
/// The client's retry loops as Polly pipelines, built one way: a retry strategy with no attempt limit (each loop has
/// its own end: an operation's deadline, a write-behind cache's disposal), exponential back-off from
/// <see cref="Backoff"/> without jitter, and a <see cref="TimeProvider"/> so tests can drive the delays.
/// <para>
/// Not here: the Orleans gateway (re)connection loop. Orleans owns it and asks <c>BackoffConnectionRetryFilter</c>
/// (an <c>IClientConnectionRetryFilter</c>) after each failed attempt whether to go on; that filter only answers.
/// </para>
/// </summary>
internal static class ClientRetryPipelines
{
    /// <summary>First back-off of an operation sent again by the router.</summary>
    public static readonly TimeSpan FirstResendDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest back-off of an operation sent again by the router.</summary>
    public static readonly TimeSpan MaxResendDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The operation a resend pipeline run is for (its deadline bounds every delay).</summary>
    public static readonly ResiliencePropertyKey<Routing.PendingOp> ResentOp = new("grid.resent-op");

    /// <summary>
    /// <paramref name="first"/> doubled <paramref name="attempt"/> times, at most <paramref name="max"/> (no overflow
    /// however many attempts).
    /// </summary>
    public static TimeSpan Backoff(int attempt, TimeSpan first, TimeSpan max)
    {
        if (attempt >= 62 || first.Ticks > max.Ticks >> Math.Max(0, attempt))
        {
            return max;
        }

        return TimeSpan.FromTicks(first.Ticks << Math.Max(0, attempt));
    }

    /// <summary>
    /// The router's resend loop: the callback tries to queue the operation where its partition lives, answering
    /// <see cref="ResendStep.Wait"/> while it cannot (no silo known yet, or its first turn, which stands for the failed
    /// send it recovers from); each wait is <see cref="Backoff"/> of the operation's retries (10 ms to 500 ms), never past
    /// its deadline. Only <see cref="ResendStep.Wait"/> is retried, never an exception: whether an operation may go again
    /// at all (a write that may have run may not, unless the silos deduplicate it) is decided before the loop starts.
    /// The context carries the operation under <see cref="ResentOp"/>.
    /// </summary>
    public static ResiliencePipeline<ResendStep> Resend(TimeProvider time) =>
        new ResiliencePipelineBuilder<ResendStep> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<ResendStep>
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is null && args.Outcome.Result == ResendStep.Wait),
                DelayGenerator = args =>
                {
                    var op = args.Context.Properties.GetValue(ResentOp, null!);
                    long left = op.Deadline - Environment.TickCount64;
                    var delay = left <= 0 ? TimeSpan.Zero : Min(Backoff(op.Retries, FirstResendDelay, MaxResendDelay), TimeSpan.FromMilliseconds(left));
                    return ValueTask.FromResult<TimeSpan?>(delay);
                },
            })
            .Build();

    /// <summary>
    /// Write-behind's store calls: any failure is retried until the call succeeds or the context's token (the cache's
    /// abandonment) is cancelled, backing off from <paramref name="firstDelay"/> doubling up to
    /// <paramref name="maxDelay"/>; <paramref name="onRetry"/> hears of each failure before its wait.
    /// </summary>
    public static ResiliencePipeline StoreRetry(TimeSpan firstDelay, TimeSpan maxDelay, Func<OnRetryArguments<object>, ValueTask> onRetry, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff(args.AttemptNumber, firstDelay, maxDelay)),
                OnRetry = onRetry,
            })
            .Build();

    /// <summary>First back-off of a connect's settings read that failed.</summary>
    public static readonly TimeSpan FirstConnectRetryDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest back-off of a connect's settings read that failed.</summary>
    public static readonly TimeSpan MaxConnectRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A connect's read of the cluster's settings: a failure that is not the grid's own verdict (a
    /// <see cref="GridException"/>, a bad argument, a cancellation) is tried again, backing off from 50 ms doubling to 1 s,
    /// until <paramref name="timeout"/> has passed since <paramref name="startedAt"/> (a <see cref="TimeProvider"/>
    /// timestamp); <paramref name="onRetry"/> hears of each failure before its wait. A forming cluster rejects some calls
    /// for a moment (an activation placed before the silo it names was known leaves at once), and the read is idempotent.
    /// </summary>
    public static ResiliencePipeline UntilConnected(TimeSpan timeout, long startedAt, Func<OnRetryArguments<object>, ValueTask> onRetry, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } error
                    && error is not (GridException or ArgumentException or OperationCanceledException)
                    && time.GetElapsedTime(startedAt) < timeout),
                DelayGenerator = args =>
                {
                    var left = timeout - time.GetElapsedTime(startedAt);
                    var delay = Min(Backoff(args.AttemptNumber, FirstConnectRetryDelay, MaxConnectRetryDelay), left > TimeSpan.Zero ? left : TimeSpan.Zero);
                    return ValueTask.FromResult<TimeSpan?>(delay);
                },
                OnRetry = onRetry,
            })
            .Build();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
