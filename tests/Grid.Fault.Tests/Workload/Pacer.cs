using System.Diagnostics;

namespace Grid.Fault.Tests.Workload;

/// <summary>
/// Spaces a loop's calls <paramref name="period"/> apart. A call that took longer than the period is followed at once
/// by the next one, and missed slots are not made up (no burst after a stall), so a healthy cluster serves the
/// offered rate exactly and a fault shows as throughput below it.
/// </summary>
internal sealed class Pacer(TimeSpan period)
{
    private readonly long _periodTicks = (long)(period.TotalSeconds * Stopwatch.Frequency);
    private long _next = Stopwatch.GetTimestamp();

    public Task WaitAsync()
    {
        long now = Stopwatch.GetTimestamp();
        if (_next <= now)
        {
            _next = now + _periodTicks;
            return Task.CompletedTask;
        }

        var delay = Stopwatch.GetElapsedTime(now, _next);
        _next += _periodTicks;
        return Task.Delay(delay);
    }
}
