using Grid.Cli.Stats;
using Grid.Partitioning;

namespace Grid.Cli.Tests;

public sealed class StatsTableTests
{
    [Fact]
    public void The_table_aligns_columns_sorts_silos_sums_a_total_row_and_shows_bytes_in_binary_units()
    {
        var report = StatsReport.From(
        [
            new GridSiloStatistics { Silo = "b:2", Partitions = 500, Entries = 10, Bytes = 2048, BudgetBytes = 1 << 20, Hits = 7, Misses = 1, Evictions = 0, Expirations = 3 },
            new GridSiloStatistics { Silo = "a:1", Partitions = 524, Entries = 5, Bytes = 1000, BudgetBytes = 1 << 20, Hits = 1, Misses = 2, Evictions = 4, Expirations = 0 },
        ], partitionCount: 1024);
        using var output = new StringWriter();

        StatsTable.Write(report, output);

        int ownedByA = OwnedBy("a:1", ["a:1", "b:2"], 1024);
        string[] lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(4, lines.Length);
        Assert.Equal(["silo", "owned", "live", "entries", "bytes", "budget", "hits", "misses", "evictions", "expirations"], Cells(lines[0]));
        Assert.Equal(["a:1", $"{ownedByA}", "524", "5", "1000", "B", "1.0", "MiB", "1", "2", "4", "0"], Cells(lines[1]));
        Assert.Equal(["b:2", $"{1024 - ownedByA}", "500", "10", "2.0", "KiB", "1.0", "MiB", "7", "1", "0", "3"], Cells(lines[2]));
        Assert.Equal(["total", "1024", "1024", "15", "3.0", "KiB", "2.0", "MiB", "8", "3", "4", "3"], Cells(lines[3]));
        Assert.All(lines, line => Assert.Equal(lines[0].Length, line.Length));   // right-aligned numbers end in one column
    }

    [Fact]
    public void A_fresh_cluster_owns_every_partition_though_none_is_live_yet()
    {
        string[] silos = ["127.0.0.1:11111@1", "127.0.0.1:11112@2", "127.0.0.1:11113@3"];
        var report = StatsReport.From(silos.Select(s => new GridSiloStatistics { Silo = s }), partitionCount: 1024);

        Assert.All(report.Silos, row => Assert.Equal(0, row.Partitions));
        Assert.All(report.Silos, row => Assert.InRange(row.OwnedPartitions, 1024 / 3 - 80, 1024 / 3 + 80));
        Assert.Equal(1024, report.Total.OwnedPartitions);
        Assert.Equal(silos.Select(s => OwnedBy(s, silos, 1024)), report.Silos.Select(row => row.OwnedPartitions));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(4860, "4.7 KiB")]
    [InlineData(64L << 20, "64.0 MiB")]
    [InlineData(12_638_101_504, "11.8 GiB")]
    public void Bytes_read_as_binary_units(long bytes, string expected) => Assert.Equal(expected, StatsTable.Bytes(bytes));

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The ownership function as the silos' placement applies it, partition by partition.</summary>
    private static int OwnedBy(string silo, string[] silos, int partitionCount)
    {
        var seeds = silos.Order(StringComparer.Ordinal).Select(PartitionOwnership.SiloSeed).ToArray();
        int index = Array.IndexOf(silos.Order(StringComparer.Ordinal).ToArray(), silo);
        return Enumerable.Range(0, partitionCount).Count(p => PartitionOwnership.Owner(seeds, p) == index);
    }
}
