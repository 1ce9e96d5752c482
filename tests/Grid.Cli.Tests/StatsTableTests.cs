using Grid.Cli.Stats;

namespace Grid.Cli.Tests;

public sealed class StatsTableTests
{
    [Fact]
    public void The_table_aligns_columns_sorts_silos_and_sums_a_total_row()
    {
        var report = StatsReport.From(
        [
            new GridSiloStatistics { Silo = "b:2", Partitions = 500, Entries = 10, Bytes = 2048, BudgetBytes = 1 << 20, Hits = 7, Misses = 1, Evictions = 0, Expirations = 3 },
            new GridSiloStatistics { Silo = "a:1", Partitions = 524, Entries = 5, Bytes = 1024, BudgetBytes = 1 << 20, Hits = 1, Misses = 2, Evictions = 4, Expirations = 0 },
        ]);
        using var output = new StringWriter();

        StatsTable.Write(report, output);

        string[] expected =
        [
            "silo   partitions  entries  bytes   budget  hits  misses  evictions  expirations",
            "a:1           524        5   1024  1048576     1       2          4            0",
            "b:2           500       10   2048  1048576     7       1          0            3",
            "total        1024       15   3072  2097152     8       3          4            3",
        ];
        Assert.Equal(expected, output.ToString().TrimEnd().Split(Environment.NewLine));
    }
}
