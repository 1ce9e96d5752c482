using Grid.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grid.Client.Hosting;

/// <summary>
/// Reports this client's cache levels (its near cache, and the <see cref="GridLevelCounters"/> of an edge or output
/// cache) to the cluster every <see cref="Interval"/>, so a silo's dashboard can show each level's hit ratio. Counts
/// are cumulative, so a report that fails (a silo restarting) is made up by the next one; while nothing has been
/// counted (a command-line client, a client without a near cache) nothing is sent.
/// </summary>
internal sealed partial class ClientLevelReporter(
    GridCache cache,
    IClusterClient client,
    GridLevelCounters levels,
    ILogger<ClientLevelReporter> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>How often the counts go to the cluster.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly string _id = Guid.NewGuid().ToString("N");
    private readonly string _host = $"{Environment.MachineName}/{Environment.ProcessId}";
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    /// <summary>The counts to report now; null while there is nothing to say.</summary>
    internal GridClientReport? Snapshot()
    {
        var statistics = cache.GetStatistics();
        var counted = new List<GridLevelCount>(4);
        if (statistics.NearCacheHits + statistics.NearCacheMisses > 0)
        {
            counted.Add(new GridLevelCount("l1", statistics.NearCacheHits, statistics.NearCacheMisses));
        }

        foreach (var level in levels.All)
        {
            if (level.Hits + level.Misses > 0)
            {
                counted.Add(new GridLevelCount(level.Level, level.Hits, level.Misses));
            }
        }

        return counted.Count == 0 ? null : new GridClientReport(_id, _host, [.. counted]);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                if (Snapshot() is { } report)
                {
                    try
                    {
                        await client.GetGrain<IClientStatisticsGrain>(0).Report(report).WaitAsync(Interval, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
                    {
                        // Statistics only: the next report carries the same counts and more.
                        LogReportFailed(logger, ex.Message);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reporting cache-level counts to the grid failed (the next report carries them): {Reason}")]
    private static partial void LogReportFailed(ILogger logger, string reason);
}
