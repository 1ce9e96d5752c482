using Grid.Bench.Load;
using ScottPlot;

namespace Grid.Bench.Reporting;

/// <summary>throughput.png and latency.png: ops/s and p99 by concurrency for the 100 B uniform cells, one line per system, topology and mix.</summary>
internal static class Plots
{
    private const int PlotValueSize = 100;

    private static string? FontName { get; set; }

    /// <summary>Writes the plots; returns the file names written (none when there is nothing to draw).</summary>
    public static List<string> Write(BenchResults results, string directory)
    {
        var series = Series(results);
        var written = new List<string>();
        if (series.Count == 0)
        {
            return written;
        }

        UseInstalledFont();
        if (Draw(series, m => m.OpsPerSecond, "Throughput: 100 B values, uniform keys", "operations per second", Path.Combine(directory, "throughput.png")))
        {
            written.Add("throughput.png");
        }

        if (Draw(series, m => m.P99Micros, "p99 latency: 100 B values, uniform keys", "p99 latency (µs)", Path.Combine(directory, "latency.png")))
        {
            written.Add("latency.png");
        }

        return written;
    }

    private static Dictionary<string, List<CellResult>> Series(BenchResults results)
    {
        var series = new Dictionary<string, List<CellResult>>();
        foreach (var cell in results.Cells)
        {
            if (cell.ValueSize != PlotValueSize || cell.Distribution != KeyDistribution.Uniform)
            {
                continue;
            }

            string name = Cli.SystemNames.IsRedis(cell.System)
                ? $"{cell.System} {cell.Mix}{(cell.Silos > 1 ? $" ({cell.Silos}-silo phase)" : "")}"
                : $"{cell.System} {cell.Silos} silo{(cell.Silos > 1 ? "s" : "")} {cell.Mix}";
            if (!series.TryGetValue(name, out var list))
            {
                series[name] = list = [];
            }

            list.Add(cell);
        }

        return series;
    }

    private static bool Draw(Dictionary<string, List<CellResult>> series, Func<LoadMeasurement, double> metric, string title, string yLabel, string path)
    {
        var plot = new Plot();
        var ticks = new SortedSet<int>();
        foreach (var (name, cells) in series)
        {
            cells.Sort((a, b) => a.Concurrency.CompareTo(b.Concurrency));
            var xs = new double[cells.Count];
            var ys = new double[cells.Count];
            for (int i = 0; i < cells.Count; i++)
            {
                xs[i] = Math.Log2(cells[i].Concurrency);
                ys[i] = metric(cells[i].Measurement);
                ticks.Add(cells[i].Concurrency);
            }

            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = name;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 7;
            if (name.StartsWith("redis", StringComparison.Ordinal))
            {
                scatter.LinePattern = LinePattern.Dashed;
            }
        }

        var positions = new List<double>();
        var labels = new List<string>();
        foreach (int n in ticks)
        {
            positions.Add(Math.Log2(n));
            labels.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.SetTicks([.. positions], [.. labels]);
        if (FontName is { } font)
        {
            plot.Font.Set(font);
        }

        plot.Title(title);
        plot.XLabel("concurrent loops (N, log scale)");
        plot.YLabel(yLabel);
        plot.Axes.Margins(0.08, 0.1);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(0, limits.Top);
        plot.SavePng(path, 900, 560);
        return File.Exists(path);
    }

    /// <summary>The Linux Skia build here has no fontconfig; point ScottPlot at an installed TrueType font when there is one.</summary>
    private static void UseInstalledFont()
    {
        string[] candidates =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
        ];
        foreach (var file in candidates)
        {
            if (File.Exists(file))
            {
                Fonts.AddFontFile("BenchSans", file);
                FontName = "BenchSans";
                return;
            }
        }
    }
}
