namespace Grid.Client;

/// <summary>Builds a <see cref="GridAnalyticsReport"/> from the silos' analytics and a client's near-cache statistics.</summary>
internal static class GridAnalyticsMerge
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    public static GridAnalyticsReport Build(IReadOnlyList<GridSiloAnalytics> silos, GridClientStatistics client, DateTimeOffset now)
    {
        var hourly = GridAnalyticsPeriod.Merge(silos.Select(s => (IReadOnlyList<GridAnalyticsBucket>)s.Hourly));
        var recent = GridAnalyticsPeriod.Merge(silos.Select(s => (IReadOnlyList<GridAnalyticsBucket>)s.Recent));
        var window = GridAnalyticsPeriod.Combine(hourly);
        var lastMinute = LastMinute(recent);

        long l1Hits = client.NearCacheHits;
        long reads = l1Hits + window.Hits + window.Misses;
        var distribution = reads == 0
            ? new GridReadDistribution(0, 0, 0)
            : new GridReadDistribution((double)l1Hits / reads, (double)window.Hits / reads, (double)window.Misses / reads);
        return new GridAnalyticsReport
        {
            CapturedAt = now,
            Silos = silos.Count,
            Window = window,
            LastMinute = lastMinute,
            NearCache = new GridLevelStatistics(l1Hits, client.NearCacheMisses),
            Grid = new GridLevelStatistics(window.Hits, window.Misses),
            Distribution = distribution,
            Hourly = hourly,
            Recent = recent,
            PerSilo = silos,
        };
    }

    /// <summary>The recent buckets that end within the last minute of the newest one, combined.</summary>
    private static GridAnalyticsPeriod LastMinute(GridAnalyticsPeriod[] recent)
    {
        if (recent.Length == 0)
        {
            return new GridAnalyticsPeriod();
        }

        var newest = recent[^1];
        var end = newest.Start + newest.Duration;
        var from = recent.Where(p => p.Start + p.Duration > end - RateWindow).ToArray();
        return GridAnalyticsPeriod.Combine(from);
    }
}
