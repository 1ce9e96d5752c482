using System.Diagnostics;
using System.Globalization;
using Grid.Fault.Tests.Cluster;
using Grid.Fault.Tests.Workload;
using Grid.Tests.Shared.Processes;

namespace Grid.Fault.Tests.Scenarios;

/// <summary>
/// What a scenario script acts through: signals sent by PID with <c>kill</c>, a silo joining, each recorded as a
/// <see cref="FaultEvent"/> at the load's clock, and observations for the report.
/// </summary>
internal sealed class FaultContext(FaultCluster cluster, FaultLoad load)
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(90);

    private readonly List<FaultEvent> _events = [];
    private readonly List<Task> _watches = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<SiloProcess> Silos => cluster.Silos;

    public IReadOnlyList<FaultEvent> Events => _events;

    /// <summary>Observations for the report (how long a stop took, whether the frozen silo survived).</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            lock (_notes)
            {
                return [.. _notes];
            }
        }
    }

    /// <summary>When the last action happened, in seconds since the load started.</summary>
    public double LastActionAt => _events.Count == 0 ? load.Now : _events[^1].AtSeconds;

    public Task WaitUntilAsync(TimeSpan sinceLoadStart) => load.WaitUntilAsync(sinceLoadStart.TotalSeconds);

    public Task WaitForAsync(TimeSpan delay) => load.WaitUntilAsync(load.Now + delay.TotalSeconds);

    /// <summary>kill -KILL: the silo crashes; waits until the process is gone.</summary>
    public async Task KillAsync(SiloProcess silo)
    {
        Record(FaultKind.Kill, silo, "kill -9");
        silo.Process.Signal("KILL");
        await silo.Process.WaitForExitAsync(ExitBound);
    }

    /// <summary>kill -TERM: the silo stops gracefully; how long it takes to exit is noted, not waited for.</summary>
    public void Terminate(SiloProcess silo)
    {
        var sent = Record(FaultKind.Terminate, silo, "SIGTERM");
        silo.Process.Signal("TERM");
        _watches.Add(NoteExitAsync(silo, sent, "SIGTERM"));
    }

    /// <summary>kill -STOP, then kill -CONT after <paramref name="duration"/> (always, even when the wait fails).</summary>
    public async Task FreezeAsync(SiloProcess silo, TimeSpan duration)
    {
        var stopped = Record(FaultKind.Freeze, silo, "SIGSTOP");
        try
        {
            silo.Process.Signal("STOP");
            await WaitUntilStoppedAsync(silo);
            await WaitForAsync(duration);
        }
        finally
        {
            silo.Process.Signal("CONT");
            Record(FaultKind.Thaw, silo, "SIGCONT");
            _watches.Add(NoteExitAsync(silo, stopped, "SIGSTOP", expectExit: false));
        }
    }

    /// <summary>Starts a new silo and waits until it joined; both moments are events.</summary>
    public async Task<SiloProcess> JoinAsync()
    {
        var silo = await cluster.SpawnSiloAsync();
        Record(FaultKind.Spawn, silo, "start");
        await silo.WaitUntilReadyAsync(FaultTimings.ClusterStartBound);
        Record(FaultKind.Join, silo, "joined (ready)");
        return silo;
    }

    /// <summary>Waits for the exit watches (each bounded).</summary>
    public Task WhenWatchesDoneAsync() => Task.WhenAll(_watches);

    public void Note(string text)
    {
        lock (_notes)
        {
            _notes.Add(text);
        }
    }

    public string Describe(SiloProcess silo) => cluster.Describe(silo);

    private FaultEvent Record(FaultKind kind, SiloProcess silo, string what)
    {
        var fault = new FaultEvent(kind, $"{what} {cluster.Describe(silo)}", load.Now, silo);
        _events.Add(fault);
        return fault;
    }

    /// <summary>Checks in /proc that the signal took: a frozen silo that still ran would make the scenario test nothing.</summary>
    private static async Task WaitUntilStoppedAsync(SiloProcess silo)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (ProcessState(silo.Process.Id) != 'T')
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"harness: pid {silo.Process.Id} is not stopped (state '{ProcessState(silo.Process.Id)}') 1 s after SIGSTOP.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The state letter of /proc/pid/stat (R, S, T...), the field after the parenthesized command name.</summary>
    private static char ProcessState(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    private async Task NoteExitAsync(SiloProcess silo, FaultEvent since, string signal, bool expectExit = true)
    {
        string who = cluster.Describe(silo);
        try
        {
            int code = await silo.Process.WaitForExitAsync(expectExit ? ExitBound : TimeSpan.FromSeconds(FaultTimings.LoadAfterLastFault.TotalSeconds));
            Note(string.Create(CultureInfo.InvariantCulture, $"{who} exited (code {code}) {load.Now - since.AtSeconds:0.0} s after {signal}"));
        }
        catch (OperationCanceledException)
        {
            Note(expectExit
                ? string.Create(CultureInfo.InvariantCulture, $"{who} had not exited {ExitBound.TotalSeconds:0} s after {signal}")
                : $"{who} was still running at the end of the load after {signal} and SIGCONT");
        }
    }
}
