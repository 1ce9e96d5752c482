using System.Diagnostics;

namespace Grid.Fault.Tests.Workload;

/// <summary>The load's time origin (a Stopwatch timestamp), shared by every loop: seconds and buckets count from <see cref="Start"/>.</summary>
internal sealed class LoadClock
{
    /// <summary>Stopwatch timestamp of the start; bucket 0 begins here.</summary>
    public long StartedAt { get; private set; }

    /// <summary>The wall clock at the start, to find the run in the silo logs.</summary>
    public DateTime StartedAtUtc { get; private set; }

    /// <summary>Seconds since the start.</summary>
    public double Now => SecondsAt(Stopwatch.GetTimestamp());

    public void Start()
    {
        StartedAt = Stopwatch.GetTimestamp();
        StartedAtUtc = DateTime.UtcNow;
    }

    /// <summary>Seconds from the start to <paramref name="timestamp"/> (Stopwatch).</summary>
    public double SecondsAt(long timestamp) => Stopwatch.GetElapsedTime(StartedAt, timestamp).TotalSeconds;
}
