namespace Grid.Client.Routing;

/// <summary>
/// Lets a repeating warning through at most once per interval and counts what it held back, so an outage is logged as
/// a few lines that say how many more there were (a dead silo made about 100 "batch call failed" warnings a second,
/// each with its stack trace). Thread-safe.
/// </summary>
/// <param name="intervalMs">The least time between two lines, in ms.</param>
internal sealed class LogThrottle(long intervalMs)
{
    private long _loggedAt = long.MinValue;
    private int _held;

    /// <summary>True when a line may be written at <paramref name="now"/> (ms); <paramref name="held"/> is how many were held back since the last.</summary>
    public bool TryLog(long now, out int held)
    {
        long last = Volatile.Read(ref _loggedAt);
        if ((last == long.MinValue || now - last >= intervalMs) && Interlocked.CompareExchange(ref _loggedAt, now, last) == last)
        {
            held = Interlocked.Exchange(ref _held, 0);
            return true;
        }

        Interlocked.Increment(ref _held);
        held = 0;
        return false;
    }
}
