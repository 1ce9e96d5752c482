using Grid.Bench.Cli;
using Spectre.Console;

namespace Grid.Bench.Reporting;

/// <summary>The main table, the near-cache table and where the files are, printed when the run ends.</summary>
internal static class ConsoleSummary
{
    public static void Print(BenchResults results, List<string> files, string directory, bool interactive, TimeSpan elapsed)
    {
        var comparisons = Comparison.All(results);
        var summary = SummaryTable.Build(results);
        var shown = new List<Comparison>(3);
        if (comparisons.Count > 0)
        {
            shown.Add(comparisons[0]);
        }

        // The grid beside several silos, against redis-server and the Redis Cluster.
        if (comparisons.Find(c => c.Silos > 1 && c.System == SystemNames.Grid) is { } multi && !shown.Contains(multi))
        {
            shown.Add(multi);
        }

        if (comparisons.Find(c => c.System == SystemNames.GridL1) is { } near && !shown.Contains(near))
        {
            shown.Add(near);
        }

        if (interactive)
        {
            if (summary.Count > 0)
            {
                AnsiConsole.Write(SpectreSummary(summary));
            }

            AnsiConsole.WriteLine(Goals(results));

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

        if (summary.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine(PlainSummary(summary));
        }

        Console.WriteLine();
        Console.WriteLine(Goals(results));

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

    /// <summary>The goals this run measured, one line each (results.md has them all).</summary>
    internal static string Goals(BenchResults results)
    {
        var text = new System.Text.StringBuilder("Goals measured in this run (worst ratio, bound, verdict):");
        foreach (var goal in GoalReport.Build(results))
        {
            if (goal.Ratio is not null)
            {
                text.AppendLine().Append("  ").Append(goal.Goal).Append(": ").Append(Fmt.Ratio(goal.Ratio)).Append(" (").Append(goal.BoundText).Append(") ")
                    .Append(goal.Met == true ? "met" : "NOT MET");
                if (goal.Met == false && goal.Why is not null)
                {
                    text.Append(" (why: docs/bench/").Append(GoalCheck.MissesFile).Append('#').Append(goal.Why).Append(')');
                }
            }
        }

        return text.ToString();
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline];
    }

    private const string SummaryTitle = "Summary: geometric mean of the ratios per system; CPU µs/op = total (client + server), mean over the cells";

    private static Table SpectreSummary(List<SummaryLine> summary)
    {
        var table = new Table().Title(Markup.Escape(SummaryTitle)).Border(TableBorder.Rounded);
        foreach (var column in SummaryTable.Columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        foreach (var line in summary)
        {
            table.AddRow(SummaryTable.Format(line).ConvertAll(Markup.Escape).ToArray());
        }

        return table;
    }

    /// <summary>The summary as a markdown-style text table (redirected output).</summary>
    internal static string PlainSummary(List<SummaryLine> summary)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(SummaryTitle);
        text.AppendLine("| " + string.Join(" | ", SummaryTable.Columns) + " |");
        text.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", SummaryTable.Columns.Count)));
        foreach (var line in summary)
        {
            text.AppendLine("| " + string.Join(" | ", SummaryTable.Format(line)) + " |");
        }

        return text.ToString();
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

    private static List<string> Columns(Comparison comparison)
    {
        if (SystemNames.IsRedis(comparison.System))
        {
            return ["value", "mix", "keys", "N", "ops/s", "p50 µs", "p99 µs", "p99.9 µs", "CPU µs/op"];
        }

        string sys = comparison.System;
        var columns = new List<string> { "value", "mix", "keys", "N", "redis ops/s", $"{sys} ops/s", "ops/s ×" };
        if (comparison.HasCluster)
        {
            columns.AddRange(["redis-cluster ops/s", "ops/s × cluster"]);
        }

        if (sys == SystemNames.GridL1)
        {
            columns.Add("L1 hits");
        }

        columns.AddRange(["redis p99 µs", $"{sys} p99 µs", "p99 ×"]);
        if (comparison.HasCluster)
        {
            columns.AddRange(["redis-cluster p99 µs", "p99 × cluster"]);
        }

        columns.Add(comparison.HasCluster ? $"CPU µs/op redis / redis-cluster / {sys}" : $"CPU µs/op redis / {sys}");
        return columns;
    }

    private static List<List<string>> Rows(Comparison comparison)
    {
        var rows = new List<List<string>>();
        foreach (var (row, redis, cluster) in comparison.Rows)
        {
            var m = row.Measurement;
            string n = row.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (SystemNames.IsRedis(comparison.System))
            {
                rows.Add([$"{row.ValueSize} B", row.Mix, row.DistributionName, n, Fmt.Int(m.OpsPerSecond), Fmt.Int(m.P50Micros), Fmt.Int(m.P99Micros), Fmt.Int(m.P999Micros), Fmt.CpuPerOp(m)]);
                continue;
            }

            var r = redis?.Measurement;
            var c = cluster?.Measurement;
            var cells = new List<string>
            {
                $"{row.ValueSize} B",
                row.Mix,
                row.DistributionName,
                n,
                r is null ? "–" : Fmt.Int(r.OpsPerSecond),
                Fmt.Int(m.OpsPerSecond),
                Fmt.Ratio(ComparisonRow.OpsRatio(row, redis)),
            };
            if (comparison.HasCluster)
            {
                cells.Add(c is null ? "–" : Fmt.Int(c.OpsPerSecond));
                cells.Add(Fmt.Ratio(ComparisonRow.OpsRatio(row, cluster)));
            }

            if (comparison.System == SystemNames.GridL1)
            {
                cells.Add(row.NearCache?.HitRatio is { } h ? Fmt.Dec(h * 100) + "%" : "–");
            }

            cells.Add(r is null ? "–" : Fmt.Int(r.P99Micros));
            cells.Add(Fmt.Int(m.P99Micros));
            cells.Add(Fmt.Ratio(ComparisonRow.P99Ratio(row, redis)));
            if (comparison.HasCluster)
            {
                cells.Add(c is null ? "–" : Fmt.Int(c.P99Micros));
                cells.Add(Fmt.Ratio(ComparisonRow.P99Ratio(row, cluster)));
            }

            string cpu = (r is null ? "–" : Fmt.Dec(r.CpuMicrosPerOp)) + (comparison.HasCluster ? " / " + (c is null ? "–" : Fmt.Dec(c.CpuMicrosPerOp)) : "") + " / " + Fmt.Dec(m.CpuMicrosPerOp);
            cells.Add(cpu);
            rows.Add(cells);
        }

        return rows;
    }
}
