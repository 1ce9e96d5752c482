using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Memory;

/// <summary>
/// Active expiry, like Redis's expire cycle: every <see cref="GridSiloOptions.ExpirySweepInterval"/> it checks a bounded
/// number of entries in each live partition and removes the expired ones, so memory held by keys nobody reads again is
/// freed. A partition where many checked entries had expired is swept again in the same tick (up to 4 times).
/// </summary>
internal sealed partial class ExpirySweeper(
    PartitionStoreRegistry registry,
    GridClock clock,
    IOptions<GridSiloOptions> options,
    ILogger<ExpirySweeper> logger) : BackgroundService
{
    private const int MaxPassesPerStore = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.ExpirySweepInterval, clock.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                int removed = SweepOnce(settings.ExpirySweepChecksPerPartition);
                if (removed > 0)
                {
                    LogSwept(logger, removed);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    /// <summary>One sweep over every live partition; returns the number of entries removed.</summary>
    internal int SweepOnce(int checksPerPartition)
    {
        int removed = 0;
        foreach (var store in registry.All)
        {
            for (int pass = 0; pass < MaxPassesPerStore; pass++)
            {
                int n = store.SweepExpired(checksPerPartition);
                removed += n;
                if (n * 4 <= checksPerPartition)
                {
                    break;
                }
            }
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Trace, Message = "Expiry sweep removed {Count} entries")]
    private static partial void LogSwept(ILogger logger, int count);
}
