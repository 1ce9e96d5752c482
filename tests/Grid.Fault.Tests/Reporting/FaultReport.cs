using System.Globalization;
using System.Text;

namespace Grid.Fault.Tests.Reporting;

/// <summary>The markdown of fault-injection runs: one table row per run, then each run's details.</summary>
internal static class FaultReport
{
    public static string Header { get; } = string.Create(CultureInfo.InvariantCulture,
        $"| scenario | operations | caller-visible errors | acknowledged writes lost | exactly-once violations | never-written reads | stale reads, near cache off | stale reads > {FaultGoals.NearCacheWindow.TotalMilliseconds:0} ms, near cache on | worst near-cache staleness ms | recovery s | max op latency s |")
        + "\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |";

    public static string Row(FaultRunResult run) => string.Create(CultureInfo.InvariantCulture,
        $"| {run.Scenario} | {run.Operations} | {run.CallerVisibleErrors} | {Count(run.AcknowledgedWritesLost)} | {Count(run.ExactlyOnceViolations)} | {run.NeverWrittenReads} | {run.NearCacheOff.StaleBeyondWindow} | {run.NearCacheOn.StaleBeyondWindow} ({run.NearCacheOn.Stale - run.NearCacheOn.StaleBeyondWindow} within) | {run.NearCacheOn.WorstStaleness.TotalMilliseconds:0} | {RecoveryCell(run)} | {run.MaxLatency.TotalSeconds:0.00} |");

    /// <summary>A row for a run that failed before it could measure anything.</summary>
    public static string FailedRow(string scenario, Exception error) =>
        $"| {scenario} | run failed: {error.GetType().Name}: {Escape(FirstLine(error.Message))} | | | | | | | | | |";

    public static string Details(FaultRunResult run)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"### {run.Scenario}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"- load {run.LoadSeconds:0.0} s, whole run {run.RunSeconds:0.0} s; slowest call {run.MaxLatency.TotalSeconds:0.00} s, started at {run.MaxLatencyStartedAt:0.00} s\n");
        foreach (var line in run.Timeline)
        {
            text.Append("- ").Append(line).Append('\n');
        }

        foreach (var recovery in run.Recoveries)
        {
            text.Append(CultureInfo.InvariantCulture, $"- recovery after {recovery.What}: {recovery.Describe()}; lowest 250 ms bucket within {FaultTimings.DipSearch.TotalSeconds:0} s: {recovery.LowestFraction:P0} of the baseline\n");
        }

        foreach (var (kind, count, message) in run.ErrorsByKind)
        {
            text.Append(CultureInfo.InvariantCulture, $"- error {count}× {kind}: {message}\n");
        }

        foreach (var line in run.Details)
        {
            text.Append("- ").Append(line).Append('\n');
        }

        foreach (var problem in run.HarnessProblems)
        {
            text.Append("- **harness problem:** ").Append(problem).Append('\n');
        }

        return text.ToString();
    }

    private static string RecoveryCell(FaultRunResult run)
    {
        if (run.Recoveries.Count == 0)
        {
            return "–";
        }

        if (run.Recoveries.Count == 1)
        {
            return Seconds(run.Recoveries[0].Seconds);
        }

        return string.Join(", ", run.Recoveries.Select(r => $"{Short(r.What)}: {Seconds(r.Seconds)}"));
    }

    /// <summary>"kill -9", "SIGTERM", "joined": the action without the silo.</summary>
    private static string Short(string what)
    {
        int silo = what.IndexOf(" silo ", StringComparison.Ordinal);
        return silo < 0 ? what : what[..silo];
    }

    private static string Seconds(double? seconds) =>
        seconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "not back";

    private static string Count(long? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "unchecked";

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        string line = newline < 0 ? text : text[..newline];
        return line.Length <= 200 ? line : line[..200] + "…";
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
