using System.Globalization;
using Grid.Cli.Stats;

namespace Grid.Cli.Rebalance;

/// <summary>
/// Writes a <see cref="GridRebalanceStatus"/> as a plain table (one row per silo, a total row last) followed by the
/// state and the settings in force, and the settings alone as one line (what pause, resume and throttle print).
/// </summary>
internal static class RebalanceTable
{
    private static readonly string[] Headers = ["silo", "moved", "to move", "percent", "bytes moved", "bytes to move", "in flight", "rate", "left"];

    public static void Write(GridRebalanceStatus status, TextWriter output)
    {
        var lines = new List<string[]> { Headers };
        foreach (var silo in status.Silos)
        {
            lines.Add(Cells(silo));
        }

        lines.Add(Cells(status.Total));
        TextTable.Write(lines, output);
        output.WriteLine();
        output.WriteLine("state: " + State(status));
        output.WriteLine("settings: " + Settings(status.Settings));
    }

    /// <summary>"paused; 4 concurrent moves per silo; no byte limit (version 3)".</summary>
    public static string Settings(GridRebalanceSettings settings)
    {
        string limit = settings.BytesPerSecond == 0 ? "no byte limit" : StatsTable.Bytes(settings.BytesPerSecond) + "/s per silo";
        return string.Create(CultureInfo.InvariantCulture,
            $"{(settings.Paused ? "paused" : "running")}; {settings.MaxConcurrentMoves} concurrent move(s) per silo; {limit} (version {settings.Version})");
    }

    /// <summary>paused / moving / done / idle, from the total and the settings.</summary>
    public static string State(GridRebalanceStatus status)
    {
        var total = status.Total;
        if (total.PartitionsPending > 0)
        {
            return status.Settings.Paused
                ? string.Create(CultureInfo.InvariantCulture, $"paused with {total.PartitionsPending} partition(s) to move ({total.InFlight} finishing); every key is served where it is")
                : string.Create(CultureInfo.InvariantCulture, $"moving, {total.PartitionsPending} partition(s) to go");
        }

        string done = total.StartedAtUnixMs == 0 ? "idle: nothing was moved since the silos started" : "done: every partition is on its owner";
        return status.Settings.Paused ? done + " (paused)" : done;
    }

    /// <summary>Seconds as "12 s", "3 min 05 s", "1 h 02 min"; "-" when unknown.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } value || double.IsNaN(value) || double.IsInfinity(value))
        {
            return "-";
        }

        var time = TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, value)));
        return time.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours} h {time.Minutes:00} min")
            : time.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{time.Minutes} min {time.Seconds:00} s")
                : string.Create(CultureInfo.InvariantCulture, $"{time.Seconds} s");
    }

    private static string[] Cells(GridRebalanceProgress row) => row.Error is { } error
        ? [row.Silo, "-", "-", "-", "-", "-", "-", "-", "error: " + error]
        :
        [
            row.Silo,
            Number(row.PartitionsMoved),
            Number(row.PartitionsToMove),
            row.Percent.ToString("0.0", CultureInfo.InvariantCulture) + " %",
            StatsTable.Bytes(row.BytesMoved),
            StatsTable.Bytes(row.BytesToMove),
            Number(row.InFlight),
            StatsTable.Bytes((long)row.BytesPerSecond) + "/s",
            Duration(row.EstimatedSecondsLeft),
        ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
