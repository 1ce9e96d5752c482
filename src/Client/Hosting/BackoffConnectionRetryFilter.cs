using Microsoft.Extensions.Logging;

namespace Grid.Client.Hosting;

/// <summary>Retries the first connection to the cluster with exponential backoff (100 ms doubling to 5 s) until a deadline.</summary>
internal sealed partial class BackoffConnectionRetryFilter(TimeSpan timeout, ILogger<BackoffConnectionRetryFilter> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private TimeSpan _delay = TimeSpan.FromMilliseconds(100);
    private int _attempt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var elapsed = TimeProvider.System.GetElapsedTime(_started);
        if (elapsed + _delay > timeout)
        {
            LogGivingUp(logger, exception, ++_attempt, elapsed);
            return false;
        }

        LogRetrying(logger, ++_attempt, _delay, exception.Message);
        await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
        _delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, _delay.Ticks * 2));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connecting to the grid failed (attempt {Attempt}); retrying in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connecting to the grid failed {Attempt} times over {Elapsed}; giving up")]
    private static partial void LogGivingUp(ILogger logger, Exception exception, int attempt, TimeSpan elapsed);
}
