using System.Globalization;

namespace Grid.Cli.Stats;

/// <summary>Writes the analytics part of <c>grid stats</c>: a summary block and the hourly history as a table.</summary>
internal static class AnalyticsTable
{
    private static readonly string[] Headers = ["hour (UTC)", "operations", "ops/s", "hit ratio", "avg ms", "p99 ms", "evictions", "expirations"];

    public static void Write(AnalyticsSummary summary, TextWriter output)
    {
        output.WriteLine($"analytics: {summary.Silos} silo(s), over the last {Duration(summary.WindowSeconds)} (24 h at most); latency is server-side");
        output.WriteLine($"  hit ratio       {Percent(summary.HitRatio)} ({Number(summary.Grid.Hits)} hits, {Number(summary.Grid.Misses)} misses on the grid)");
        output.WriteLine($"  latency         avg {Ms(summary.AverageLatencyMs)} ms, p99 {Ms(summary.P99LatencyMs)} ms");
        output.WriteLine($"  throughput      {summary.OperationsPerSecond.ToString("0.0", CultureInfo.InvariantCulture)} ops/s (last minute), {Number(summary.Operations)} operations in the window");
        output.WriteLine($"  reads by level  l1 {Percent(summary.Distribution.NearCache)}, grid {Percent(summary.Distribution.Grid)}, miss {Percent(summary.Distribution.Miss)} (l1: this client's near cache, {Number(summary.NearCache.Hits)} hits)");
        output.WriteLine();

        var lines = new List<string[]> { Headers };
        lines.AddRange(summary.Hourly.Select(h => new[]
        {
            h.Start.UtcDateTime.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture),
            Number(h.Operations),
            h.OperationsPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
            h.Hits + h.Misses == 0 ? "-" : Percent(h.HitRatio),
            Ms(h.AverageLatencyMs),
            Ms(h.P99LatencyMs),
            Number(h.Evictions),
            Number(h.Expirations),
        }));
        TextTable.Write(lines, output);
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 120 => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        < 7200 => (seconds / 60).ToString("0.0", CultureInfo.InvariantCulture) + " min",
        _ => (seconds / 3600).ToString("0.0", CultureInfo.InvariantCulture) + " h",
    };

    private static string Percent(double ratio) => (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A plain table: the first column left-aligned, the others right-aligned, two spaces between columns.</summary>
internal static class TextTable
{
    public static void Write(IReadOnlyList<string[]> lines, TextWriter output)
    {
        var widths = new int[lines[0].Length];
        foreach (var line in lines)
        {
            for (int i = 0; i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], line[i].Length);
            }
        }

        foreach (var line in lines)
        {
            var padded = line.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]));
            output.WriteLine(string.Join("  ", padded).TrimEnd());
        }
    }
}
