using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Hosting;

/// <summary>
/// Orleans' fatal-error handler for a silo process, aware of a graceful stop. Orleans ends the process
/// (<see cref="Environment.FailFast(string, Exception)"/>, exit code 134) on a fatal error, and "this silo was declared
/// dead" is one. When several silos stop together (a whole cluster's maintenance, a Kubernetes StatefulSet with parallel
/// pod management), a stopping silo can be declared dead by a peer that stops beside it: killed then, it threw away the
/// partitions it was still handing over and the snapshot files it was still writing, and exited 134 instead of 0. While
/// the host is stopping, the error is logged and the stop goes on (the silo is leaving anyway; Orleans releases of
/// August 2026 skip it the same way). At any other time Orleans' handling is kept: the error is logged and the process
/// ends with exit code 134 (a silo the cluster declared dead must not serve on).
/// </summary>
internal sealed partial class StoppingAwareFatalErrorHandler(IHostApplicationLifetime lifetime, ILogger<StoppingAwareFatalErrorHandler> logger) : IFatalErrorHandler
{
    /// <summary>Time for the log providers to write the error before the process ends (Orleans' own handler waits as long).</summary>
    private static readonly TimeSpan FlushTime = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public bool IsUnexpected(Exception exception) => exception is not ThreadAbortException;

    /// <inheritdoc/>
    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            LogWhileStopping(logger, exception, context ?? "(none)");
            return;
        }

        LogFatal(logger, exception, context ?? "(none)");
        Thread.Sleep(FlushTime);
        Environment.FailFast($"Grid silo: fatal error reported by Orleans: {context}", exception);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Orleans reported a fatal error while this silo is stopping gracefully; the stop goes on: {Context}")]
    private static partial void LogWhileStopping(ILogger logger, Exception? error, string context);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Orleans reported a fatal error; the silo process ends now (exit code 134): {Context}")]
    private static partial void LogFatal(ILogger logger, Exception? error, string context);
}
