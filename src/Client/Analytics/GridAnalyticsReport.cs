namespace Grid.Client;

/// <summary>
/// The cluster at a glance, from <see cref="IGridAnalytics.GetAnalyticsAsync"/>. Grid-level figures are the silos'
/// (every client's operations), measured on the silos: latency is server-side, from a batch's arrival at a silo to its
/// answer (replication wait and partition hops included, the network and client queueing not). Near-cache (L1)
/// figures are this client's own, since it started.
/// </summary>
public sealed record GridAnalyticsReport
{
    /// <summary>When the report was assembled.</summary>
    public DateTimeOffset CapturedAt { get; init; }

    /// <summary>Silos that answered.</summary>
    public int Silos { get; init; }

    /// <summary>The history window the totals cover: the last 24 hours, or since the silos started recording.</summary>
    public GridAnalyticsPeriod Window { get; init; } = new();

    /// <summary>The last minute (the 10-second buckets that end within it), for the current rate.</summary>
    public GridAnalyticsPeriod LastMinute { get; init; } = new();

    /// <summary>Grid hit ratio over the window (hits over reads that reached the grid).</summary>
    public double HitRatio => Window.HitRatio;

    /// <summary>Average server-side operation latency over the window, in milliseconds.</summary>
    public double AverageLatencyMs => Window.AverageLatencyMs;

    /// <summary>99th percentile of the server-side operation latency over the window, in milliseconds.</summary>
    public double P99LatencyMs => Window.P99LatencyMs;

    /// <summary>Operations per second over the last minute, cluster-wide.</summary>
    public double OperationsPerSecond => LastMinute.OperationsPerSecond;

    /// <summary>This client's near cache: reads it answered (hits) and reads it sent on to the grid (misses).</summary>
    public GridLevelStatistics NearCache { get; init; } = new(0, 0);

    /// <summary>The grid, over the window: reads that found their key and reads that did not.</summary>
    public GridLevelStatistics Grid { get; init; } = new(0, 0);

    /// <summary>Where reads were answered: this client's near cache, the grid with a value, or nowhere (a miss).</summary>
    public GridReadDistribution Distribution { get; init; } = new(0, 0, 0);

    /// <summary>Hour buckets (UTC hours) of the last 24 hours, oldest first; the last one is in progress.</summary>
    public IReadOnlyList<GridAnalyticsPeriod> Hourly { get; init; } = [];

    /// <summary>10-second buckets of the last 10 minutes, oldest first; the last one is in progress.</summary>
    public IReadOnlyList<GridAnalyticsPeriod> Recent { get; init; } = [];

    /// <summary>What each silo reported (statistics, series and tag index).</summary>
    public IReadOnlyList<GridSiloAnalytics> PerSilo { get; init; } = [];
}

/// <summary>Hits and misses of one cache level.</summary>
/// <param name="Hits">Reads answered with a value.</param>
/// <param name="Misses">Reads that found none.</param>
public sealed record GridLevelStatistics(long Hits, long Misses)
{
    /// <summary>Hits over reads (0 without reads).</summary>
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);
}

/// <summary>Fractions of reads by where they were answered (they add up to 1, or are all 0 without reads).</summary>
/// <param name="NearCache">Answered by the client's near cache.</param>
/// <param name="Grid">Answered by the grid with a value.</param>
/// <param name="Miss">Found no value.</param>
public sealed record GridReadDistribution(double NearCache, double Grid, double Miss);
