using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Persistence;

/// <summary>
/// Every <c>Grid:Persistence:Interval</c>, writes the partitions live on this silo that changed since their last file
/// (<see cref="PartitionSnapshots.WriteAllAsync"/>) and logs what the pass did. With an interval of 0 only graceful
/// shutdown writes files (each partition as it deactivates, see <see cref="PartitionGrain"/>).
/// </summary>
internal sealed partial class SnapshotScheduler(
    PartitionSnapshots snapshots,
    PartitionStoreRegistry registry,
    GridClock clock,
    IOptions<GridSiloOptions> options,
    ILogger<SnapshotScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!snapshots.Enabled)
        {
            return;
        }

        snapshots.RemoveAbandoned();
        var interval = options.Value.Persistence.Interval;
        if (interval == TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, clock.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var pass = await snapshots.WriteAllAsync(registry.All, stoppingToken).ConfigureAwait(false);
                if (pass.Written > 0 || pass.Failed > 0)
                {
                    LogPass(logger, pass.Written, pass.Entries, pass.Bytes, snapshots.DirectoryPath!, (long)pass.Elapsed.TotalMilliseconds, Math.Round(pass.LongestPause.TotalMilliseconds, 2), pass.Skipped, pass.Failed);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown: the partitions write their final state as they deactivate.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot: {Partitions} partition(s), {Entries} entries, {Bytes} bytes written to {Directory} in {ElapsedMs} ms (longest pause {PauseMs} ms); {Unchanged} unchanged, {Failed} failed")]
    private static partial void LogPass(ILogger logger, int partitions, long entries, long bytes, string directory, long elapsedMs, double pauseMs, int unchanged, int failed);
}
