using System.Diagnostics;
using System.Globalization;

namespace Grid.Fault.Tests.Measures;

/// <summary>
/// Times every stretch in which the test host did not run at all: a dedicated thread (not a pool thread) sleeps
/// <see cref="Tick"/> at a time and notes each wake-up that came at least <see cref="Reported"/> late, with the machine's
/// steal time and the process's major page faults meanwhile. A throughput dip that lines up with one is the test host's
/// (or the machine's) and not the cluster's; a dip without one, while the pool was starved, points at blocked threads.
/// </summary>
internal sealed class HostStalls : IDisposable
{
    /// <summary>Wake-ups at least this late are kept.</summary>
    public static readonly TimeSpan Reported = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly Lock _gate = new();
    private readonly List<(DateTime Start, TimeSpan Length, long StealMs, long MajorFaults)> _stalls = [];
    private readonly Thread _thread;
    private volatile bool _stopped;

    public HostStalls()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "fault harness host-stall clock" };
        _thread.Start();
    }

    /// <summary>One line for the report: the stalls, or that there were none.</summary>
    public string Describe()
    {
        List<(DateTime Start, TimeSpan Length, long StealMs, long MajorFaults)> stalls;
        lock (_gate)
        {
            stalls = [.. _stalls];
        }

        string head = string.Create(CultureInfo.InvariantCulture, $"test host stalls ≥ {Reported.TotalMilliseconds:0} ms (its own clock thread held up)");
        return stalls.Count == 0
            ? head + ": none"
            : head + ": " + string.Join(", ", stalls.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{s.Start:HH:mm:ss.fff} {s.Length.TotalMilliseconds:0} ms (steal {s.StealMs} ms, {s.MajorFaults} major faults)")));
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stopped)
        {
            long steal = StealMs();
            long faults = MajorFaults();
            var startedAt = DateTime.UtcNow;
            long before = Stopwatch.GetTimestamp();
            Thread.Sleep(Tick);
            var late = Stopwatch.GetElapsedTime(before) - Tick;
            if (late >= Reported)
            {
                lock (_gate)
                {
                    _stalls.Add((startedAt + Tick, late, StealMs() - steal, MajorFaults() - faults));
                }
            }
        }
    }

    /// <summary>The machine's steal time so far (time the hypervisor ran something else), from <c>/proc/stat</c>; 0 when not available.</summary>
    private static long StealMs()
    {
        if (!File.Exists("/proc/stat"))
        {
            return 0;
        }

        using var reader = new StreamReader("/proc/stat");
        string[] fields = (reader.ReadLine() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // "cpu user nice system idle iowait irq softirq steal ...", in clock ticks of 10 ms.
        return fields.Length > 8 ? long.Parse(fields[8], CultureInfo.InvariantCulture) * 10 : 0;
    }

    /// <summary>This process's major page faults so far (field 12 of <c>/proc/self/stat</c>); 0 when not available.</summary>
    private static long MajorFaults()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return 0;
        }

        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is field 3, so majflt (field 12) is index 9 here.
        return fields.Length > 9 ? long.Parse(fields[9], CultureInfo.InvariantCulture) : 0;
    }
}
