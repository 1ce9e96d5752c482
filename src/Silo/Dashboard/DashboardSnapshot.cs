namespace Grid.Silo.Dashboard;

/// <summary>The dashboard's data (JSON, camelCase): the cluster now, its recent series and hourly history, per silo.</summary>
internal sealed record DashboardSnapshot(
    long CapturedAtUnixMs,
    DashboardTotals Totals,
    IReadOnlyList<DashboardSilo> Silos,
    IReadOnlyList<DashboardPoint> Recent,
    IReadOnlyList<DashboardPoint> Hourly,
    DashboardTags Tags,
    IReadOnlyList<DashboardLevel> Levels,
    int ReportingClients)
{
    /// <summary>The cluster's partition moves (progress per silo and in total, settings in force); null when it could not be read.</summary>
    public GridRebalanceStatus? Rebalance { get; init; }

    /// <summary>The cluster's hottest keys by reads plus writes per second (each silo's estimate, merged); empty when none answered.</summary>
    public IReadOnlyList<GridHotKey> HotKeys { get; init; } = [];
}

/// <summary>
/// One cache level's hits and misses since its counters started, outermost level first: the edge cache and output
/// cache of ASP.NET Core applications and the clients' near caches (as the clients report them), then the grid (as the
/// silos count it). A read served by an outer level never reaches the inner ones.
/// </summary>
internal sealed record DashboardLevel(string Level, string Label, long Hits, long Misses, double HitRatio);

/// <summary>Cluster totals: sizes now, counters since the silos started, rates and latency over the last minute and the window.</summary>
internal sealed record DashboardTotals(
    int Silos,
    int Partitions,
    long Entries,
    long Bytes,
    long BudgetBytes,
    long Operations,
    long Hits,
    long Misses,
    double HitRatio,
    double OperationsPerSecond,
    double AverageLatencyMs,
    double P99LatencyMs,
    double WindowHitRatio,
    double WindowP99LatencyMs);

/// <summary>One silo: identity, sizes, budget and counters since it started (or the error it answered with).</summary>
internal sealed record DashboardSilo(
    string Address,
    string Name,
    bool Local,
    string? Error,
    int Partitions,
    long Entries,
    long Bytes,
    long BudgetBytes,
    long GcHeapBytes,
    int ReplicaPartitions,
    long ReplicaBytes,
    long Operations,
    long Hits,
    long Misses,
    long Evictions,
    long Expirations,
    int TagShards,
    long TagKeys,
    long TagBytes);

/// <summary>One bucket of a series, merged across silos.</summary>
internal sealed record DashboardPoint(
    long StartUnixMs,
    long DurationMs,
    long Operations,
    double OperationsPerSecond,
    long Hits,
    long Misses,
    double HitRatio,
    double AverageLatencyMs,
    double P99LatencyMs,
    long Evictions,
    long Expirations);

/// <summary>The tag index across the cluster and its largest tags (approximate: each shard reports its own largest).</summary>
internal sealed record DashboardTags(int Shards, long Tags, long Keys, long Bytes, IReadOnlyList<GridTagSize> Largest);
