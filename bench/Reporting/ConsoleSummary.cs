using Grid.Bench.Cli;
using Spectre.Console;

namespace Grid.Bench.Reporting;

/// <summary>The main table, the near-cache table and where the files are, printed when the run ends.</summary>
internal static class ConsoleSummary
{
    public static void Print(BenchResults results, List<string> files, string directory, bool interactive, TimeSpan elapsed)
    {
        var comparisons = Comparison.All(results);
        var shown = new List<Comparison>(2);
        if (comparisons.Count > 0)
        {
            shown.Add(comparisons[0]);
        }

        if (comparisons.Find(c => c.System == SystemNames.GridL1) is { } near && !shown.Contains(near))
        {
            shown.Add(near);
        }

        if (interactive)
        {
            foreach (var comparison in shown)
            {
                AnsiConsole.Write(SpectreTable(comparison));
            }

            if (results.Failure is { } failure)
            {
                AnsiConsole.MarkupLine("[red]The run did not complete:[/] " + Markup.Escape(FirstLine(failure)));
            }

            AnsiConsole.MarkupLine($"[green]Done in {elapsed:mm\\:ss}.[/] Results: {Markup.Escape(string.Join(", ", files))} in [bold]{Markup.Escape(directory)}[/] (copied to latest/).");
            return;
        }

        foreach (var comparison in shown)
        {
            Console.WriteLine();
            Console.WriteLine(PlainTable(comparison));
        }

        if (results.Failure is { } error)
        {
            Console.WriteLine("The run did not complete: " + error);
        }

        Console.WriteLine($"Done in {elapsed:mm\\:ss}. Results in {directory} (copied to latest/): {string.Join(", ", files)}");
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline];
    }

    private static Table SpectreTable(Comparison comparison)
    {
        var table = new Table().Title(Markup.Escape(comparison.Title)).Border(TableBorder.Rounded);
        foreach (var column in Columns(comparison))
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        foreach (var row in Rows(comparison))
        {
            table.AddRow(row.ConvertAll(Markup.Escape).ToArray());
        }

        return table;
    }

    private static string PlainTable(Comparison comparison)
    {
        var columns = Columns(comparison);
        var rows = Rows(comparison);
        var text = new System.Text.StringBuilder();
        text.AppendLine(comparison.Title);
        text.AppendLine("| " + string.Join(" | ", columns) + " |");
        text.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", columns.Count)));
        foreach (var row in rows)
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        return text.ToString();
    }

    private static List<string> Columns(Comparison comparison) => comparison.System == SystemNames.Redis
        ? ["value", "mix", "keys", "N", "ops/s", "p50 µs", "p99 µs", "p99.9 µs"]
        : comparison.System == SystemNames.GridL1
            ? ["value", "mix", "keys", "N", "redis ops/s", $"{comparison.System} ops/s", "ops/s ×", "L1 hits", "redis p99 µs", $"{comparison.System} p99 µs", "p99 ×"]
            : ["value", "mix", "keys", "N", "redis ops/s", $"{comparison.System} ops/s", "ops/s ×", "redis p99 µs", $"{comparison.System} p99 µs", "p99 ×"];

    private static List<List<string>> Rows(Comparison comparison)
    {
        var rows = new List<List<string>>();
        foreach (var (row, redis) in comparison.Rows)
        {
            var m = row.Measurement;
            if (comparison.System == SystemNames.Redis)
            {
                rows.Add([$"{row.ValueSize} B", row.Mix, row.DistributionName, row.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), Fmt.Int(m.OpsPerSecond), Fmt.Int(m.P50Micros), Fmt.Int(m.P99Micros), Fmt.Int(m.P999Micros)]);
                continue;
            }

            var r = redis?.Measurement;
            var cells = new List<string>
            {
                $"{row.ValueSize} B",
                row.Mix,
                row.DistributionName,
                row.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r is null ? "–" : Fmt.Int(r.OpsPerSecond),
                Fmt.Int(m.OpsPerSecond),
                Fmt.Ratio(r is null ? null : Fmt.Divide(m.OpsPerSecond, r.OpsPerSecond)),
            };
            if (comparison.System == SystemNames.GridL1)
            {
                cells.Add(row.NearCache?.HitRatio is { } h ? Fmt.Dec(h * 100) + "%" : "–");
            }

            cells.Add(r is null ? "–" : Fmt.Int(r.P99Micros));
            cells.Add(Fmt.Int(m.P99Micros));
            cells.Add(Fmt.Ratio(r is null ? null : Fmt.Divide(m.P99Micros, r.P99Micros)));
            rows.Add(cells);
        }

        return rows;
    }
}
