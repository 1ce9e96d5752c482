using System.Diagnostics;

namespace Grid.Fault.Tests.Workload;

/// <summary>How one client call ended.</summary>
internal enum CallResult
{
    /// <summary>It returned.</summary>
    Ok,

    /// <summary>It threw: a caller-visible error, the outcome of a write unknown.</summary>
    Failed,

    /// <summary>It was still running when its bound ran out and was abandoned: a stall, the outcome unknown.</summary>
    Stalled,
}

/// <summary>The result of one bounded client call, with its Stopwatch start and end timestamps.</summary>
internal readonly record struct CallOutcome<T>(CallResult Result, T? Value, Exception? Error, long Start, long End)
{
    public bool IsOk => Result == CallResult.Ok;

    public TimeSpan Latency => Stopwatch.GetElapsedTime(Start, End);
}
