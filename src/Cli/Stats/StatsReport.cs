namespace Grid.Cli.Stats;

/// <summary>One line of <c>grid stats</c>: a silo's counters, or the cluster's totals.</summary>
internal sealed record StatsRow(
    string Silo,
    int Partitions,
    long Entries,
    long Bytes,
    long Budget,
    long Hits,
    long Misses,
    long Evictions,
    long Expirations,
    long Operations);

/// <summary>The silos' counters (ordered by silo address) and their sum, and the cluster's analytics when asked for.</summary>
internal sealed record StatsReport(IReadOnlyList<StatsRow> Silos, StatsRow Total)
{
    /// <summary>Hit ratio, latency, throughput, reads by level and the hourly history (null when not collected).</summary>
    public AnalyticsSummary? Analytics { get; init; }

    /// <summary>Builds the report from the silos' statistics.</summary>
    public static StatsReport From(IEnumerable<GridSiloStatistics> statistics)
    {
        var rows = statistics
            .Select(s => new StatsRow(s.Silo, s.Partitions, s.Entries, s.Bytes, s.BudgetBytes, s.Hits, s.Misses, s.Evictions, s.Expirations, s.Operations))
            .OrderBy(row => row.Silo, StringComparer.Ordinal)
            .ToArray();
        var total = new StatsRow(
            "total",
            rows.Sum(r => r.Partitions),
            rows.Sum(r => r.Entries),
            rows.Sum(r => r.Bytes),
            rows.Sum(r => r.Budget),
            rows.Sum(r => r.Hits),
            rows.Sum(r => r.Misses),
            rows.Sum(r => r.Evictions),
            rows.Sum(r => r.Expirations),
            rows.Sum(r => r.Operations));
        return new StatsReport(rows, total);
    }
}
