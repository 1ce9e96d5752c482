namespace Grid.Fault.Tests;

/// <summary>
/// What every fault-injection run must show (issue 14, "What must hold when done"), in one place so a goal is tuned
/// here and nowhere else. The harness measures; <see cref="Scenarios.FaultRunVerdict"/> compares against these.
/// </summary>
internal static class FaultGoals
{
    /// <summary>Acknowledged writes (sets, increments, list pushes) missing from the final state.</summary>
    public const long MaxAcknowledgedWritesLost = 0;

    /// <summary>Reads older than the last write acknowledged before they started (near cache off, or on beyond its window).</summary>
    public const long MaxStaleReads = 0;

    /// <summary>Reads of a value nobody wrote (a seq above anything attempted for the key, or unparsable).</summary>
    public const long MaxNeverWrittenReads = 0;

    /// <summary>Increments or list pushes applied more than once, out of order, or never sent.</summary>
    public const long MaxExactlyOnceViolations = 0;

    /// <summary>Exceptions (or stalls past the harness bound) a caller saw, in every scenario but the double kill.</summary>
    public const long MaxCallerVisibleErrors = 0;

    /// <summary>
    /// How long a near-cache reader may still be served a value after a newer write was acknowledged (the README
    /// documents 13 ms on loopback; this allows for a busy 2-core CI machine). Near-cache-off readers get no window.
    /// </summary>
    public static readonly TimeSpan NearCacheWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Longest time from a kill -9 or a SIGSTOP until throughput is back (see <see cref="RecoveredFraction"/>): a dead or
    /// frozen silo may cost callers the failure-detection time, never Orleans' 30 s response timeout or the whole freeze.
    /// </summary>
    public static readonly TimeSpan MaxRecoveryAfterCrash = TimeSpan.FromSeconds(5);

    /// <summary>Throughput counts as back at this fraction of the pre-fault baseline...</summary>
    public const double RecoveredFraction = 0.8;

    /// <summary>...on average over a window this long.</summary>
    public static readonly TimeSpan RecoverySustain = TimeSpan.FromSeconds(1);
}
