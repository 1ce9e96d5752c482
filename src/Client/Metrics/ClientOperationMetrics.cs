using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grid.Protocol;

namespace Grid.Client.Metrics;

/// <summary>
/// One cache's operation counters by kind and outcome (striped, read by its <see cref="GridClientMetrics"/>'
/// observable counter) and its duration histogram, recorded only while a listener is on.
/// </summary>
internal sealed class ClientOperationMetrics
{
    /// <summary>Outcome index: the grid answered (a value, nothing, or a condition not met).</summary>
    public const int Ok = 0;

    /// <summary>Outcome index: an error (wrong type, bad argument, unavailable grid...).</summary>
    public const int Error = 1;

    private static readonly KeyValuePair<string, object?>[] OperationTags = BuildTags("operation", OperationKinds.Names);
    private static readonly KeyValuePair<string, object?> LevelL1Tag = new("level", GridClientMetrics.LevelL1);
    private static readonly KeyValuePair<string, object?> LevelGridTag = new("level", GridClientMetrics.LevelGrid);
    private static readonly int GetKind = OperationKinds.IndexOf(OpCode.Get);

    private readonly Histogram<double>? _duration;

    /// <summary>Counters, and durations recorded into <paramref name="duration"/> (none when null: unit tests).</summary>
    public ClientOperationMetrics(Histogram<double>? duration = null) => _duration = duration;

    public Grid.Metrics.StripedCounters Counts { get; } = new(OperationKinds.Count * 2);

    /// <summary>The start timestamp for an operation: <see cref="Stopwatch.GetTimestamp()"/> while durations are listened to, else 0.</summary>
    public long Start() => _duration?.Enabled == true ? Stopwatch.GetTimestamp() : 0;

    /// <summary>An operation sent to the grid finished (its result status, or an exception).</summary>
    public void Completed(OpCode code, bool ok, long startTimestamp)
    {
        int kind = OperationKinds.IndexOf(code);
        Counts.Increment((kind * 2) + (ok ? Ok : Error));
        if (startTimestamp != 0)
        {
            Record(kind, LevelGridTag, startTimestamp);
        }
    }

    /// <summary>A near-cache hit of a get took from <paramref name="startTimestamp"/> to now.</summary>
    public void RecordNearHit(long startTimestamp) => Record(GetKind, LevelL1Tag, startTimestamp);

    /// <summary>True for the statuses that are answers, not errors.</summary>
    public static bool IsOk(ResultStatus status) => status is ResultStatus.Ok or ResultStatus.NotFound or ResultStatus.ConditionNotMet;

    /// <summary>The <c>operation</c> tag of each operation kind (index: <see cref="OperationKinds.IndexOf"/>).</summary>
    public static KeyValuePair<string, object?> OperationTag(int kind) => OperationTags[kind];

    private void Record(int kind, KeyValuePair<string, object?> level, long startTimestamp) =>
        _duration?.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, OperationTags[kind], level);

    private static KeyValuePair<string, object?>[] BuildTags(string name, string[] values)
    {
        var tags = new KeyValuePair<string, object?>[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            tags[i] = new KeyValuePair<string, object?>(name, values[i]);
        }

        return tags;
    }
}
