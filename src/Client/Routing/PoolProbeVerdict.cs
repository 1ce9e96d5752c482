namespace Grid.Client.Routing;

/// <summary>What the watchdog makes of a thread-pool probe that has not run yet (<see cref="PoolProbe.Judge"/>).</summary>
internal enum PoolProbeVerdict
{
    /// <summary>Not waiting long enough to act on (or the process was busy, not blocked, below the starvation bound).</summary>
    Wait,

    /// <summary>The pool is starved: its threads are blocked (or the wait passed the starvation bound); raise its minimum.</summary>
    Starved,

    /// <summary>The watchdog's own thread was held up most of the wait too: the process or machine did not run; more threads would not help.</summary>
    ProcessStalled,
}
