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
/// freed. A partition where many checked entries had expired is swept again in the same tick (up to 4 times). A
/// partition with no entry that can expire (<see cref="PartitionStore.ExpiringCount"/> 0, the common case of a cache
/// without TTLs) is swept only every <see cref="IdleSweepEvery"/>th tick, for the LRU stamps the sweep also clamps
/// (<see cref="LruStamp.MaxAge"/> is 20 days; even a full partition is walked within minutes at that pace).
/// </summary>
internal sealed partial class ExpirySweeper(
    PartitionStoreRegistry registry,
    GridClock clock,
    IOptions<GridSiloOptions> options,
    ILogger<ExpirySweeper> logger) : BackgroundService
{
    private const int MaxPassesPerStore = 4;

    /// <summary>Partitions without entries that can expire are swept on every this-many-th tick only.</summary>
    internal const int IdleSweepEvery = 64;

    private long _ticks;

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

    /// <summary>One sweep over every live partition that has entries which can expire (over all of them every <see cref="IdleSweepEvery"/>th time); returns the number of entries removed.</summary>
    internal int SweepOnce(int checksPerPartition)
    {
        int removed = 0;
        bool sweepIdle = _ticks++ % IdleSweepEvery == 0;
        foreach (var store in registry.All)
        {
            if (store.ExpiringCount == 0 && !sweepIdle)
            {
                continue;
            }

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
