using System.Globalization;
using System.Text;
using Grid.Tests.Shared.Processes;

namespace Grid.Fault.Tests.Reporting;

/// <summary>
/// The report of one test run: <c>TestResults/fault/report.md</c> under the repository root (or the file
/// <c>GRID_FAULT_REPORT</c> names), rewritten after every scenario with all rows so far, so it is complete even
/// when a later scenario crashes the test host. Scenario directories (silo logs of failing runs) sit next to it.
/// </summary>
public sealed class FaultReportFixture
{
    private readonly Lock _gate = new();
    private readonly List<string> _rows = [];
    private readonly List<string> _details = [];
    private readonly DateTime _started = DateTime.UtcNow;

    public FaultReportFixture()
    {
        ReportPath = Environment.GetEnvironmentVariable("GRID_FAULT_REPORT") is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : Path.Combine(Root, "report.md");
    }

    /// <summary><c>TestResults/fault</c> under the repository root.</summary>
    internal static string Root { get; } = Path.Combine(RepoPaths.Root, "TestResults", "fault");

    internal string ReportPath { get; }

    /// <summary>An empty directory for the scenario's logs.</summary>
    internal static string ScenarioDirectory(string slug)
    {
        string directory = Path.Combine(Root, slug);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        return directory;
    }

    internal void Add(FaultRunResult run) => Write(FaultReport.Row(run), FaultReport.Details(run));

    internal void AddFailed(string scenario, Exception error) =>
        Write(FaultReport.FailedRow(scenario, error), $"### {scenario}\n\n```\n{error}\n```\n");

    private void Write(string row, string details)
    {
        lock (_gate)
        {
            _rows.Add(row);
            _details.Add(details);
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"# Grid fault-injection runs, {_started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores\n\n");
            text.Append(CultureInfo.InvariantCulture,
                $"Each run: redis-server and real silo processes on loopback (sync replication, 1 replica); {FaultTimings.Writers} writers, " +
                $"{FaultTimings.NearCacheReaders} readers with the near cache and {FaultTimings.DirectReaders} without; the fault {FaultTimings.FaultAt.TotalSeconds:0} s into the load, " +
                $"which ends {FaultTimings.LoadAfterLastFault.TotalSeconds:0} s after the last fault action.\n\n");
            text.Append(FaultReport.Header).Append('\n');
            foreach (var line in _rows)
            {
                text.Append(line).Append('\n');
            }

            text.Append("\n## Details\n\n");
            foreach (var section in _details)
            {
                text.Append(section).Append('\n');
            }

            Directory.CreateDirectory(Path.GetDirectoryName(ReportPath)!);
            File.WriteAllText(ReportPath, text.ToString());
        }
    }
}
