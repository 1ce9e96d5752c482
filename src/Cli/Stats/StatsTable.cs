using System.Globalization;

namespace Grid.Cli.Stats;

/// <summary>
/// Writes a <see cref="StatsReport"/> as a plain table: the silo name left-aligned, numbers right-aligned, bytes in
/// binary units, a total row last. "owned" and "live" are partitions: owned by the ownership function, live now.
/// </summary>
internal static class StatsTable
{
    private static readonly string[] Headers = ["silo", "owned", "live", "entries", "bytes", "budget", "hits", "misses", "evictions", "expirations"];
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static void Write(StatsReport report, TextWriter output)
    {
        var lines = new List<string[]> { Headers };
        lines.AddRange(report.Silos.Select(Cells));
        lines.Add(Cells(report.Total));

        TextTable.Write(lines, output);
    }

    /// <summary>Bytes in binary units with one decimal: 512 B, 4.7 KiB, 64.0 MiB.</summary>
    public static string Bytes(long bytes)
    {
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    private static string[] Cells(StatsRow row) =>
    [
        row.Silo,
        Number(row.OwnedPartitions),
        Number(row.Partitions),
        Number(row.Entries),
        Bytes(row.Bytes),
        Bytes(row.Budget),
        Number(row.Hits),
        Number(row.Misses),
        Number(row.Evictions),
        Number(row.Expirations),
    ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
