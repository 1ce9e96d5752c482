using Grid.Client;

namespace Grid.Cli.Stats;

/// <summary>The analytics part of <c>grid stats</c>: the cluster's report, without raw histograms.</summary>
internal sealed record AnalyticsSummary(
    int Silos,
    double WindowSeconds,
    long Operations,
    double HitRatio,
    double AverageLatencyMs,
    double P99LatencyMs,
    double OperationsPerSecond,
    LevelSummary NearCache,
    LevelSummary Grid,
    DistributionSummary Distribution,
    IReadOnlyList<PeriodSummary> Hourly)
{
    public static AnalyticsSummary From(GridAnalyticsReport report) => new(
        report.Silos,
        Math.Round(report.Window.Duration.TotalSeconds, 3),
        report.Window.Operations,
        report.HitRatio,
        report.AverageLatencyMs,
        report.P99LatencyMs,
        report.OperationsPerSecond,
        new LevelSummary(report.NearCache.Hits, report.NearCache.Misses, report.NearCache.HitRatio),
        new LevelSummary(report.Grid.Hits, report.Grid.Misses, report.Grid.HitRatio),
        new DistributionSummary(report.Distribution.NearCache, report.Distribution.Grid, report.Distribution.Miss),
        [.. report.Hourly.Select(PeriodSummary.From)]);
}

/// <summary>Hits and misses of one level.</summary>
internal sealed record LevelSummary(long Hits, long Misses, double HitRatio);

/// <summary>Fractions of reads answered by each level, and missed.</summary>
internal sealed record DistributionSummary(double NearCache, double Grid, double Miss);

/// <summary>One hour of the history.</summary>
internal sealed record PeriodSummary(
    DateTimeOffset Start,
    double Seconds,
    long Operations,
    double OperationsPerSecond,
    long Hits,
    long Misses,
    double HitRatio,
    double AverageLatencyMs,
    double P99LatencyMs,
    long Evictions,
    long Expirations)
{
    public static PeriodSummary From(GridAnalyticsPeriod p) => new(
        p.Start, Math.Round(p.Duration.TotalSeconds, 3), p.Operations, p.OperationsPerSecond, p.Hits, p.Misses, p.HitRatio,
        p.AverageLatencyMs, p.P99LatencyMs, p.Evictions, p.Expirations);
}
