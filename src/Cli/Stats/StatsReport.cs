using Grid.Partitioning;

namespace Grid.Cli.Stats;

/// <summary>One line of <c>grid stats</c>: a silo's counters, or the cluster's totals.</summary>
/// <param name="Silo">The silo's address, or "total".</param>
/// <param name="OwnedPartitions">Partitions the cluster's ownership function (rendezvous hashing over the active silos) gives the silo: where each lives once used.</param>
/// <param name="Partitions">Partitions whose store is live on the silo now (a partition becomes live when first used).</param>
internal sealed record StatsRow(
    string Silo,
    int OwnedPartitions,
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

    /// <summary>Builds the report from the silos' statistics and the cluster's partition count.</summary>
    public static StatsReport From(IEnumerable<GridSiloStatistics> statistics, int partitionCount)
    {
        var silos = statistics.OrderBy(s => s.Silo, StringComparer.Ordinal).ToArray();
        int[] owned = Owned(silos, partitionCount);
        var rows = silos
            .Select((s, i) => new StatsRow(s.Silo, owned[i], s.Partitions, s.Entries, s.Bytes, s.BudgetBytes, s.Hits, s.Misses, s.Evictions, s.Expirations, s.Operations))
            .ToArray();
        var total = new StatsRow(
            "total",
            rows.Sum(r => r.OwnedPartitions),
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

    /// <summary>
    /// How many partitions each silo owns: the function the silos place partitions by and clients route by, over the
    /// silos that answered (the active ones). A fresh cluster holds no live partition yet, but owns them all.
    /// </summary>
    private static int[] Owned(GridSiloStatistics[] silos, int partitionCount)
    {
        var seeds = new ulong[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            seeds[i] = PartitionOwnership.SiloSeed(silos[i].Silo);
        }

        var owned = new int[silos.Length];
        for (int partition = 0; partition < partitionCount && silos.Length > 0; partition++)
        {
            owned[PartitionOwnership.Owner(seeds, partition)]++;
        }

        return owned;
    }
}
