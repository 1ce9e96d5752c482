using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grid.Cli.Parsing;
using Grid.Cli.Stats;

namespace Grid.Cli.Commands;

/// <summary><c>hotkeys [--top N] [--json]</c>: the cluster's hottest keys by estimated reads plus writes per second.</summary>
internal static class HotKeysCommand
{
    private static readonly string[] Headers = ["key", "reads/s", "writes/s", "silo"];

    public static Command Create(CommandRunner runner)
    {
        var top = new Option<int?>("--top") { Description = "How many keys (1 to 1024, default 10)", HelpName = "N", CustomParser = TopCount };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("hotkeys", "Print the cluster's hottest keys by estimated reads and writes per second (each silo's count-min sketch, decaying; README: Hot keys)") { top, json };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            var keys = await call.Cache.GetHotKeysAsync(call.Value(top) ?? 10, call.Cancellation).ConfigureAwait(false);
            if (call.Value(json))
            {
                call.Out.WriteLine(JsonSerializer.Serialize([.. keys], StatsJsonContext.Default.GridHotKeyArray));
            }
            else if (keys.Count == 0)
            {
                call.Out.WriteLine("no hot keys yet (nothing counted since the silos started, or Grid:HotKeys:Enabled is false)");
            }
            else
            {
                Write(keys, call.Out);
            }

            return GridExitCodes.Ok;
        });
        return command;
    }

    private static int? TopCount(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!ValueParsers.IsWholeNumber(text))
        {
            return ValueParsers.OptionalInt32(result);
        }

        // Any whole number out of bounds, also one past int's range, is told the bounds (not "not an integer").
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) || n is < 1 or > 1024)
        {
            result.AddError($"--top must be between 1 and 1024 (it is {text}).");
            return null;
        }

        return n;
    }

    private static void Write(IReadOnlyList<GridHotKey> keys, TextWriter output)
    {
        var rows = new List<string[]>(keys.Count + 1) { Headers };
        foreach (var key in keys)
        {
            rows.Add([key.Key, Rate(key.ReadsPerSecond), Rate(key.WritesPerSecond), key.Silo]);
        }

        var widths = new int[Headers.Length];
        foreach (var row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i is 1 or 2 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Rate(double perSecond) => perSecond.ToString("#,0.0", CultureInfo.InvariantCulture);
}
