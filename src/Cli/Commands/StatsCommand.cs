using System.CommandLine;
using System.Text.Json;
using Grid.Cli.Stats;

namespace Grid.Cli.Commands;

/// <summary><c>stats [--json]</c>: the counters of every silo and their total.</summary>
internal static class StatsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("stats", "Print each silo's partitions, entries, bytes, budget, hits, misses, evictions and expirations, and the totals") { json };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            var statistics = await call.Cache.GetSiloStatisticsAsync(call.Cancellation).ConfigureAwait(false);
            var report = StatsReport.From(statistics);
            if (call.Value(json))
            {
                call.Out.WriteLine(JsonSerializer.Serialize(report, StatsJsonContext.Default.StatsReport));
            }
            else
            {
                StatsTable.Write(report, call.Out);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
