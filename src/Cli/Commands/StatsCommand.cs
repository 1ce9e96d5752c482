using System.CommandLine;
using System.Text.Json;
using Grid.Cli.Stats;
using Grid.Client;

namespace Grid.Cli.Commands;

/// <summary><c>stats [--json]</c>: the counters of every silo and their total, then the cluster's analytics report.</summary>
internal static class StatsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("stats", "Print each silo's partitions (owned by the ownership function, and live now), entries, bytes, budget, hits, misses, evictions and expirations, the totals, " +
            "and the analytics report: hit ratio, server-side average and p99 latency, ops/s, reads by level, hourly history of the last 24 h") { json };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            var statistics = await call.Cache.GetSiloStatisticsAsync(call.Cancellation).ConfigureAwait(false);
            var report = StatsReport.From(statistics, call.Options.PartitionCount);
            if (call.Cache is IGridAnalytics analytics)
            {
                report = report with { Analytics = AnalyticsSummary.From(await analytics.GetAnalyticsAsync(call.Cancellation).ConfigureAwait(false)) };
            }

            if (call.Value(json))
            {
                call.Out.WriteLine(JsonSerializer.Serialize(report, StatsJsonContext.Default.StatsReport));
            }
            else
            {
                StatsTable.Write(report, call.Out);
                if (report.Analytics is { } summary)
                {
                    call.Out.WriteLine();
                    AnalyticsTable.Write(summary, call.Out);
                }
            }

            return GridExitCodes.Ok;
        });
        return command;
    }
}
