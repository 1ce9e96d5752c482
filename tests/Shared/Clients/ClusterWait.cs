using Grid.Client;

namespace Grid.Tests.Shared.Processes;

/// <summary>Polls a cluster of real silo processes, through a client, until its membership or partition spread is as expected.</summary>
internal static class ClusterWait
{
    /// <summary>Bound of one statistics call, so a silo that does not answer cannot hold a poll forever.</summary>
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(10);

    /// <summary>Waits until the statistics come from <paramref name="count"/> distinct silos.</summary>
    public static async Task WaitForSilosAsync(IGridCache cache, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await TryGetStatisticsAsync(cache))?.Select(s => s.Silo).Distinct().Count() != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The cluster did not reach {count} silos within {timeout}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <paramref name="count"/> silos each hold within ±20% of the average number of partitions.</summary>
    public static async Task WaitForSpreadAsync(IGridCache cache, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var stats = await TryGetStatisticsAsync(cache) ?? [];
            if (stats.Count == count && stats.Select(s => s.Silo).Distinct().Count() == count)
            {
                double average = stats.Average(s => s.Partitions);
                if (average > 0 && stats.All(s => Math.Abs(s.Partitions - average) <= 0.2 * average))
                {
                    return;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The partitions did not spread over {count} silos within {timeout}: {string.Join(", ", stats.Select(s => s.Partitions))}.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Every silo's statistics, or null while a silo that just left (or does not answer) makes the call fail.</summary>
    public static async Task<IReadOnlyList<GridSiloStatistics>?> TryGetStatisticsAsync(IGridCache cache)
    {
        var call = cache.GetSiloStatisticsAsync().AsTask();
        try
        {
            return await call.CompletedWithinAsync(CallBound) ? call.Result : null;
        }
        catch (Exception ex) when (ex is GridException or Orleans.Runtime.OrleansException or TimeoutException)
        {
            return null;
        }
    }
}
