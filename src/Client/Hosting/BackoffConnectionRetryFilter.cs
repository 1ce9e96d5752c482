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
            LogGivingUp(logger, exception, ++_attempt, elapsed, Hint(exception));
            return false;
        }

        LogRetrying(logger, ++_attempt, _delay, exception.Message);
        await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
        _delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, _delay.Ticks * 2));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connecting to the grid failed (attempt {Attempt}); retrying in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, TimeSpan delay, string reason);

    /// <summary>
    /// What a gateway that accepts the connection and then closes it usually means: Orleans refuses a client of another
    /// cluster id that way, and a TLS gateway a client it does not trust (or that does not speak TLS).
    /// </summary>
    internal static string Hint(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.ConnectionAbortedException || e.Message.Contains("terminated prematurely", StringComparison.Ordinal))
            {
                return "the gateway closed the connection: check that GridClient:Clustering:ClusterId equals the silos' Grid:Clustering:ClusterId, " +
                    "and that GridClient:Tls matches the silos' Grid:Tls (TLS on both sides, a CA that trusts the silos, and a client certificate when they require one)";
            }
        }

        return "check that the gateways are up and reachable";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Connecting to the grid failed {Attempt} times over {Elapsed}; giving up: {Hint}")]
    private static partial void LogGivingUp(ILogger logger, Exception exception, int attempt, TimeSpan elapsed, string hint);
}
