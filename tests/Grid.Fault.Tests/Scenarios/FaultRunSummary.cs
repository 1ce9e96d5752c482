using System.Globalization;
using Grid.Client;
using Grid.Fault.Tests.Cluster;
using Grid.Fault.Tests.Measures;
using Grid.Fault.Tests.Reporting;
using Grid.Fault.Tests.Workload;

namespace Grid.Fault.Tests.Scenarios;

/// <summary>Turns what a run recorded into its <see cref="FaultRunResult"/>, and lists what makes the run itself invalid.</summary>
internal static class FaultRunSummary
{
    /// <summary>Fewer judged reads per reader kind than this and the stale-read figures mean nothing.</summary>
    private const long MinimumReadsPerKind = 100;

    public static FaultRunResult Build(FaultRunInputs run)
    {
        var load = run.Load;
        var problems = new List<string>();
        var details = new List<string>();

        long operations = 0, errors = 0;
        var maxLatency = TimeSpan.Zero;
        double maxLatencyAt = 0;
        var errorsByKind = new Dictionary<string, (long Count, string Message)>();
        foreach (var stats in load.AllStats())
        {
            operations += stats.Operations;
            errors += stats.ErrorCount;
            if (stats.MaxLatency > maxLatency)
            {
                maxLatency = stats.MaxLatency;
                maxLatencyAt = stats.MaxLatencyStartedAt;
            }

            foreach (var (kind, tally) in stats.Errors)
            {
                var known = errorsByKind.GetValueOrDefault(kind, (0, tally.FirstMessage));
                errorsByKind[kind] = (known.Count + tally.Count, known.Message);
            }
        }

        var near = Readers(load, nearCache: true, run.NearCacheClient);
        var direct = Readers(load, nearCache: false, run.DirectClient);
        CheckLoadDidWork(run, near, direct, problems, details);
        var recoveries = Recoveries(run, problems, details);

        var final = run.Final;
        bool complete = final.Unread.Count == 0;
        if (!complete)
        {
            problems.Add("final reads incomplete, so lost writes and exactly-once are unchecked: " + string.Join("; ", final.Unread));
        }

        details.Add(run.Settle);
        details.Add(string.Create(CultureInfo.InvariantCulture, $"final reads: {final.KeysChecked} keys checked, {final.KeysLost} lost, {final.KeysNeverWritten} never written; counters and lists: {final.StructuresLost} acknowledged changes lost, {final.ExactlyOnceViolations} exactly-once violations"));
        details.AddRange(final.Notes);
        if (final.Errors.Count > 0)
        {
            details.Add("final-read errors (retried): " + string.Join(", ", final.Errors.Select(e => $"{e.Value}× {e.Key}")));
        }

        return new FaultRunResult
        {
            Scenario = run.Scenario.Name,
            ErrorsAllowed = run.Scenario.ErrorsAllowed,
            Operations = operations,
            CallerVisibleErrors = errors,
            ErrorsByKind = [.. errorsByKind.OrderByDescending(e => e.Value.Count).Select(e => (e.Key, e.Value.Count, e.Value.Message))],
            AcknowledgedWritesLost = complete ? final.AcknowledgedWritesLost : null,
            ExactlyOnceViolations = complete ? final.ExactlyOnceViolations : null,
            NeverWrittenReads = near.NeverWritten + direct.NeverWritten + final.KeysNeverWritten,
            NearCacheOn = near,
            NearCacheOff = direct,
            Recoveries = recoveries,
            MaxLatency = maxLatency,
            MaxLatencyStartedAt = maxLatencyAt,
            Timeline = Timeline(run),
            Details = details,
            HarnessProblems = problems,
            LoadSeconds = load.StoppedAt,
            RunSeconds = 0,
        };
    }

    private static ReaderKindSummary Readers(FaultLoad load, bool nearCache, GridClientStatistics client)
    {
        long reads = 0, stale = 0, beyond = 0, neverWritten = 0;
        var worst = TimeSpan.Zero;
        var samples = new List<string>();
        foreach (var reader in load.Readers)
        {
            if (reader.NearCache != nearCache)
            {
                continue;
            }

            reads += reader.Tally.Judged;
            stale += reader.Tally.Stale;
            beyond += reader.Tally.StaleBeyondWindow;
            neverWritten += reader.Tally.NeverWritten;
            worst = worst > reader.Tally.WorstStaleness ? worst : reader.Tally.WorstStaleness;
            samples.AddRange(reader.Tally.Samples);
        }

        string statistics = string.Create(CultureInfo.InvariantCulture,
            $"near-cache hits {client.NearCacheHits}, misses {client.NearCacheMisses}, invalidations received {client.InvalidationsReceived}, partitions dropped {client.PartitionsDropped}, clears {client.Clears}");
        return new ReaderKindSummary(reads, stale, beyond, neverWritten, worst, samples, statistics);
    }

    /// <summary>A run whose load did nothing, or whose near cache was never used, checked nothing: that is a harness problem, never a pass.</summary>
    private static void CheckLoadDidWork(FaultRunInputs run, ReaderKindSummary near, ReaderKindSummary direct, List<string> problems, List<string> details)
    {
        long sets = 0, setsAttempted = 0, abandonedKeys = 0;
        foreach (var writer in run.Load.Writers)
        {
            long acknowledged = 0;
            foreach (var key in writer.Keys)
            {
                acknowledged += key.AcknowledgedCount;
                abandonedKeys += key.Abandoned ? 1 : 0;
            }

            sets += acknowledged;
            setsAttempted += writer.Keys.Sum(k => k.Attempted > 0 ? 1 : 0);
            if (acknowledged == 0 || writer.Counter.Acknowledged == 0 || writer.List.Acknowledged == 0)
            {
                problems.Add($"writer {writer.Id} had no acknowledged set, increment or push: the write checks are empty");
            }
        }

        long increments = run.Load.Writers.Sum(w => w.Counter.Acknowledged), incrementsUnknown = run.Load.Writers.Sum(w => w.Counter.Unknown);
        long pushes = run.Load.Writers.Sum(w => w.List.Acknowledged), pushesUnknown = run.Load.Writers.Sum(w => w.List.Unknown);
        details.Add(string.Create(CultureInfo.InvariantCulture,
            $"writers: {sets} sets acknowledged ({setsAttempted} keys written), {increments} increments acknowledged + {incrementsUnknown} unknown, {pushes} pushes acknowledged + {pushesUnknown} unknown, {abandonedKeys} keys abandoned after a stall"));
        details.Add(string.Create(CultureInfo.InvariantCulture, $"readers, near cache on: {near.Reads} reads, {near.Stale} stale ({near.StaleBeyondWindow} beyond {FaultGoals.NearCacheWindow.TotalMilliseconds:0} ms); client {near.ClientStatistics}"));
        details.Add(string.Create(CultureInfo.InvariantCulture, $"readers, near cache off: {direct.Reads} reads, {direct.Stale} stale; client {direct.ClientStatistics}"));
        details.AddRange(near.Samples.Select(s => "near cache on, " + s));
        details.AddRange(direct.Samples.Select(s => "near cache off, " + s));

        if (near.Reads < MinimumReadsPerKind || direct.Reads < MinimumReadsPerKind)
        {
            problems.Add($"too few reads to judge staleness (near cache on {near.Reads}, off {direct.Reads}; at least {MinimumReadsPerKind} each)");
        }

        if (run.NearCacheClient.NearCacheHits == 0)
        {
            problems.Add("the near-cache readers never hit their near cache: they tested nothing of it");
        }

        if (run.DirectClient.NearCacheHits != 0)
        {
            problems.Add("the near-cache-off readers were served from a near cache");
        }
    }

    private static List<EventRecovery> Recoveries(FaultRunInputs run, List<string> problems, List<string> details)
    {
        var recoveries = new List<EventRecovery>();
        var events = run.Context.Events;
        if (events.Count == 0)
        {
            problems.Add("the scenario injected no fault");
            return recoveries;
        }

        var buckets = run.Load.GridThroughputBuckets();
        // Before the first action (a join's process start included): the cluster as it was.
        double baseline = Recovery.Baseline(buckets, Recovery.BucketAt(FaultTimings.BaselineFrom.TotalSeconds), Recovery.BucketAt(events[0].AtSeconds));
        if (baseline <= 0)
        {
            problems.Add("no throughput before the first fault: recovery cannot be measured");
            return recoveries;
        }

        int loadEnd = Recovery.BucketAt(run.Load.StoppedAt);
        var faults = events.Where(e => e.MeasuresRecovery).ToList();
        for (int i = 0; i < faults.Count; i++)
        {
            // Each fault is watched until the next one: what follows that is the next fault's.
            bool last = i == faults.Count - 1;
            int end = last ? loadEnd : Math.Min(loadEnd, Recovery.BucketAt(faults[i + 1].AtSeconds));
            double? seconds = Recovery.SecondsAfter(buckets, baseline, faults[i].AtSeconds, end);
            double lowest = Recovery.LowestAfter(buckets, baseline, faults[i].AtSeconds, end);
            recoveries.Add(new EventRecovery(faults[i].What, faults[i].Kind is FaultKind.Kill or FaultKind.Freeze, seconds, lowest, last ? "the end of the load" : "the next fault"));
        }

        details.Add(string.Create(CultureInfo.InvariantCulture, $"throughput (writers and near-cache-off readers): baseline {baseline / FaultTimings.Bucket.TotalSeconds:0} ops/s; per second: {PerSecond(buckets, loadEnd)}"));
        return recoveries;
    }

    /// <summary>Successful grid operations per whole second of the load, for the details.</summary>
    private static string PerSecond(long[] buckets, int end)
    {
        int perSecond = (int)Math.Round(1 / FaultTimings.Bucket.TotalSeconds);
        var seconds = new List<long>();
        for (int start = 0; start + perSecond <= end; start += perSecond)
        {
            long sum = 0;
            for (int i = start; i < start + perSecond; i++)
            {
                sum += buckets[i];
            }

            seconds.Add(sum);
        }

        return string.Join(' ', seconds);
    }

    private static List<string> Timeline(FaultRunInputs run)
    {
        var lines = new List<string>();
        var clock = run.Load.Clock;
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"0.00 s: load started at {clock.StartedAtUtc:HH:mm:ss.fff} UTC (silo log times are UTC)"));
        foreach (var fault in run.Context.Events)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"{fault.AtSeconds:0.00} s: {fault.What}");
            int status = fault.Kind == FaultKind.Join ? MembershipWatcher.Active : MembershipWatcher.Dead;
            if (fault.RemovesSilo || fault.Kind == FaultKind.Join)
            {
                string state = status == MembershipWatcher.Dead ? "declared dead" : "active";
                line += run.Cluster.Membership.FirstSeen(fault.Silo.SiloPort, status) is { } at
                    ? string.Create(CultureInfo.InvariantCulture, $"; {state} in the membership table at {clock.SecondsAt(at):0.00} s ({clock.SecondsAt(at) - fault.AtSeconds:+0.0;-0.0} s)")
                    : $"; not {state} in the membership table by the end of the run";
            }

            lines.Add(line);
        }

        lines.AddRange(run.Context.Notes);
        if (run.Cluster.Membership.LastError is { } error)
        {
            lines.Add("membership watcher: last Redis error: " + error);
        }

        return lines;
    }
}
