using Polly;
using Polly.Retry;

namespace Grid.Grains.Resilience;

/// <summary>
/// The retry pipelines of the silo's background pumps (replication to a replica silo, tag index updates), one style for
/// all: a delivery is sent again until it succeeds, because the receiver is another silo that may be restarting, moving
/// a grain or briefly unreachable, and dropping the delivery would lose a replica's change or leave the tag index stale.
/// </summary>
internal static class SiloRetryPipelines
{
    /// <summary>
    /// Retries every failure, without limit, after an exponential backoff (no jitter: one pump per receiver, nothing to
    /// spread) from <paramref name="firstDelay"/> doubling up to <paramref name="maxDelay"/>, until the execution's
    /// cancellation token is cancelled: from then on nothing is retried, and the execution ends with the last failure
    /// (or an <see cref="OperationCanceledException"/> from the backoff), which the caller treats as "stopped".
    /// <paramref name="onFailure"/> hears each failure before its backoff (<see cref="OnRetryArguments{TResult}.AttemptNumber"/>
    /// is 0 for the first): log it, and react (e.g. re-target a receiver that left).
    /// </summary>
    public static ResiliencePipeline UntilDelivered(TimeSpan firstDelay, TimeSpan maxDelay, Func<OnRetryArguments<object>, ValueTask> onFailure) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = firstDelay,
                MaxDelay = maxDelay,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                OnRetry = onFailure,
            })
            .Build();
}
