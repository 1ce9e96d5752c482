using System.Diagnostics;
using Grid.Protocol;

namespace Grid.Client.Metrics;

/// <summary>
/// One cache's operation counters by kind and outcome (striped, read by <see cref="GridClientMetrics"/>'s observable
/// counter) and the duration histogram, recorded only while a listener is on.
/// </summary>
internal sealed class ClientOperationMetrics
{
    /// <summary>Outcome index: the grid answered (a value, nothing, or a condition not met).</summary>
    public const int Ok = 0;

    /// <summary>Outcome index: an error (wrong type, bad argument, unavailable grid...).</summary>
    public const int Error = 1;

    public Grid.Metrics.StripedCounters Counts { get; } = new(OperationKinds.Count * 2);

    /// <summary>The start timestamp for an operation: <see cref="Stopwatch.GetTimestamp()"/> while durations are listened to, else 0.</summary>
    public static long Start() => GridClientMetrics.Duration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>An operation sent to the grid finished (its result status, or an exception).</summary>
    public void Completed(OpCode code, bool ok, long startTimestamp)
    {
        int kind = OperationKinds.IndexOf(code);
        Counts.Increment((kind * 2) + (ok ? Ok : Error));
        if (startTimestamp != 0)
        {
            GridClientMetrics.RecordDuration(kind, GridClientMetrics.LevelGrid, startTimestamp);
        }
    }

    /// <summary>True for the statuses that are answers, not errors.</summary>
    public static bool IsOk(ResultStatus status) => status is ResultStatus.Ok or ResultStatus.NotFound or ResultStatus.ConditionNotMet;
}
