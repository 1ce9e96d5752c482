using System.Globalization;

namespace Grid.Cli.Stats;

/// <summary>Writes a <see cref="StatsReport"/> as a plain table: the silo name left-aligned, numbers right-aligned, a total row last.</summary>
internal static class StatsTable
{
    private static readonly string[] Headers = ["silo", "partitions", "entries", "bytes", "budget", "hits", "misses", "evictions", "expirations"];

    public static void Write(StatsReport report, TextWriter output)
    {
        var lines = new List<string[]> { Headers };
        lines.AddRange(report.Silos.Select(Cells));
        lines.Add(Cells(report.Total));

        TextTable.Write(lines, output);
    }

    private static string[] Cells(StatsRow row) =>
    [
        row.Silo,
        Number(row.Partitions),
        Number(row.Entries),
        Number(row.Bytes),
        Number(row.Budget),
        Number(row.Hits),
        Number(row.Misses),
        Number(row.Evictions),
        Number(row.Expirations),
    ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
