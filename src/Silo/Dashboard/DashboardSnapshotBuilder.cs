namespace Grid.Silo.Dashboard;

/// <summary>Merges silos' analytics into the dashboard's snapshot.</summary>
internal static class DashboardSnapshotBuilder
{
    public sealed record SiloAnswer(string Address, string Name, bool Local, GridSiloAnalytics? Analytics, string? Error);

    /// <summary>The levels the dashboard knows by name, outermost first, with their labels.</summary>
    private static readonly (string Level, string Label)[] KnownLevels =
    [
        ("edge", "Edge cache (HTTP responses)"),
        ("output", "Output cache (ASP.NET Core)"),
        ("l1", "Near cache (in clients)"),
    ];

    public static DashboardSnapshot Build(IReadOnlyList<SiloAnswer> answers, GridClientLevels? clients, DateTimeOffset now)
    {
        var ok = answers.Where(a => a.Analytics is not null).Select(a => a.Analytics!).ToList();
        var recent = GridAnalyticsPeriod.Merge(ok.Select(a => (IReadOnlyList<GridAnalyticsBucket>)a.Recent));
        var hourly = GridAnalyticsPeriod.Merge(ok.Select(a => (IReadOnlyList<GridAnalyticsBucket>)a.Hourly));
        var window = GridAnalyticsPeriod.Combine(hourly);
        var lastMinute = LastMinute(recent);

        long hits = ok.Sum(a => a.Statistics.Hits);
        long misses = ok.Sum(a => a.Statistics.Misses);
        var totals = new DashboardTotals(
            answers.Count,
            ok.Sum(a => a.Statistics.Partitions),
            ok.Sum(a => a.Statistics.Entries),
            ok.Sum(a => a.Statistics.Bytes),
            ok.Sum(a => a.Statistics.BudgetBytes),
            ok.Sum(a => a.Statistics.Operations),
            hits,
            misses,
            hits + misses == 0 ? 0 : (double)hits / (hits + misses),
            lastMinute.OperationsPerSecond,
            lastMinute.AverageLatencyMs,
            lastMinute.P99LatencyMs,
            window.HitRatio,
            window.P99LatencyMs);

        var silos = answers.Select(a => a.Analytics is { } s
            ? new DashboardSilo(a.Address, a.Name, a.Local, null, s.Statistics.Partitions, s.Statistics.Entries, s.Statistics.Bytes,
                s.Statistics.BudgetBytes, s.Statistics.GcHeapBytes, s.Statistics.ReplicaPartitions, s.Statistics.ReplicaBytes,
                s.Statistics.Operations, s.Statistics.Hits, s.Statistics.Misses, s.Statistics.Evictions, s.Statistics.Expirations,
                s.TagIndex.Shards, s.TagIndex.Keys, s.TagIndex.Bytes)
            : new DashboardSilo(a.Address, a.Name, a.Local, a.Error ?? "no answer", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).ToList();

        var largest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tag in ok.SelectMany(a => a.TagIndex.LargestTags))
        {
            largest[tag.Tag] = largest.GetValueOrDefault(tag.Tag) + tag.Keys;
        }

        var tags = new DashboardTags(
            ok.Sum(a => a.TagIndex.Shards),
            ok.Sum(a => a.TagIndex.Tags),
            ok.Sum(a => a.TagIndex.Keys),
            ok.Sum(a => a.TagIndex.Bytes),
            [.. largest.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Take(10).Select(t => new GridTagSize(t.Key, t.Value))]);

        return new DashboardSnapshot(now.ToUnixTimeMilliseconds(), totals, silos, [.. recent.Select(Point)], [.. hourly.Select(Point)], tags,
            Levels(clients, hits, misses), clients?.Clients ?? 0);
    }

    /// <summary>
    /// The levels in use, outermost first: those the clients counted (known ones by name, then any of an application's
    /// own), then the grid, from the silos' own counts (every client's reads, the command line's included).
    /// </summary>
    private static List<DashboardLevel> Levels(GridClientLevels? clients, long gridHits, long gridMisses)
    {
        var levels = new List<DashboardLevel>();
        var reported = clients?.Levels ?? [];
        foreach (var (level, label) in KnownLevels)
        {
            if (Array.Find(reported, r => r.Level == level) is { } count)
            {
                levels.Add(Level(level, label, count.Hits, count.Misses));
            }
        }

        foreach (var count in reported)
        {
            if (!Array.Exists(KnownLevels, known => known.Level == count.Level))
            {
                levels.Add(Level(count.Level, count.Level, count.Hits, count.Misses));
            }
        }

        levels.Add(Level("grid", "Grid (silos)", gridHits, gridMisses));
        return levels;
    }

    private static DashboardLevel Level(string level, string label, long hits, long misses) =>
        new(level, label, hits, misses, hits + misses == 0 ? 0 : (double)hits / (hits + misses));

    private static DashboardPoint Point(GridAnalyticsPeriod p) => new(
        p.Start.ToUnixTimeMilliseconds(), (long)p.Duration.TotalMilliseconds, p.Operations, p.OperationsPerSecond, p.Hits, p.Misses,
        p.HitRatio, p.AverageLatencyMs, p.P99LatencyMs, p.Evictions, p.Expirations);

    private static GridAnalyticsPeriod LastMinute(GridAnalyticsPeriod[] recent)
    {
        if (recent.Length == 0)
        {
            return new GridAnalyticsPeriod();
        }

        var end = recent[^1].Start + recent[^1].Duration;
        return GridAnalyticsPeriod.Combine([.. recent.Where(p => p.Start + p.Duration > end - TimeSpan.FromMinutes(1))]);
    }
}
