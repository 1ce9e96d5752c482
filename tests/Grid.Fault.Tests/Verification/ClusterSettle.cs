using System.Diagnostics;
using System.Globalization;
using Grid.Client;
using Grid.Fault.Tests.Cluster;
using Grid.Tests.Shared.Processes;

namespace Grid.Fault.Tests.Verification;

/// <summary>
/// Waits, after the load, until the cluster is at rest before the final reads: statistics answer from exactly the
/// silos the membership table lists as active, and every silo's primary and replica partition counts are the same
/// over three polls half a second apart. Bounded by <see cref="FaultTimings.SettleBound"/>; says what it saw.
/// </summary>
internal static class ClusterSettle
{
    private const int StablePolls = 3;

    public static async Task<string> WaitAsync(IGridCache client, MembershipWatcher membership)
    {
        long started = Stopwatch.GetTimestamp();
        string? previous = null;
        int stable = 0;
        string last = "no statistics";
        while (Stopwatch.GetElapsedTime(started) < FaultTimings.SettleBound)
        {
            var stats = await ClusterWait.TryGetStatisticsAsync(client);
            int active = membership.ActivePorts().Count;
            if (stats is null)
            {
                last = "statistics call failed";
                stable = 0;
            }
            else
            {
                var silos = stats.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Silo} {s.Partitions}+{s.ReplicaPartitions}r")).Order(StringComparer.Ordinal);
                string signature = string.Join(", ", silos);
                last = $"{stats.Count} silos answering, {active} active in membership: {signature}";
                stable = stats.Count == active && active > 0 && signature == previous ? stable + 1 : 0;
                previous = signature;
                if (stable >= StablePolls - 1)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"settled after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: {last}");
                }
            }

            await Task.Delay(500);
        }

        return string.Create(CultureInfo.InvariantCulture, $"not settled within {FaultTimings.SettleBound.TotalSeconds:0} s: {last}");
    }
}
