using System.Diagnostics.Tracing;
using System.Globalization;

namespace Grid.Fault.Tests.Measures;

/// <summary>
/// Times every stop of the test host's runtime (all managed threads suspended: for a garbage collection or for anything
/// else, such as tiered compilation swapping code) from the runtime's own events, so a throughput dip the harness
/// measured can be told apart from the grid's: a pause of the process that runs the clients is not the cluster's.
/// </summary>
internal sealed class RuntimePauses : EventListener
{
    /// <summary>Pauses at least this long are kept.</summary>
    public static readonly TimeSpan Reported = TimeSpan.FromMilliseconds(50);

    // Microsoft-Windows-DotNETRuntime: GC keyword; GCSuspendEEBegin_V1 (9, its first field the reason) and GCRestartEEEnd_V1 (3).
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int SuspendBegin = 9;
    private const int RestartEnd = 3;

    private readonly Lock _gate = new();
    private readonly List<(DateTime Start, TimeSpan Length, string Reason)> _pauses = [];
    private DateTime? _suspendedAt;
    private string _reason = "";

    /// <summary>Pauses of at least <see cref="Reported"/> so far: UTC start, length, and why the runtime stopped.</summary>
    public IReadOnlyList<(DateTime Start, TimeSpan Length, string Reason)> Pauses
    {
        get
        {
            lock (_gate)
            {
                return [.. _pauses];
            }
        }
    }

    /// <summary>One line for the report: the pauses, or that there were none.</summary>
    public string Describe()
    {
        var pauses = Pauses;
        if (pauses.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"test host runtime pauses ≥ {Reported.TotalMilliseconds:0} ms: none");
        }

        return string.Create(CultureInfo.InvariantCulture, $"test host runtime pauses ≥ {Reported.TotalMilliseconds:0} ms: ")
            + string.Join(", ", pauses.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Start:HH:mm:ss.fff} {p.Length.TotalMilliseconds:0} ms ({p.Reason})")));
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId == SuspendBegin)
        {
            lock (_gate)
            {
                _suspendedAt = eventData.TimeStamp;
                _reason = ReasonOf(eventData.Payload is { Count: > 0 } payload ? Convert.ToInt32(payload[0], CultureInfo.InvariantCulture) : -1);
            }
        }
        else if (eventData.EventId == RestartEnd)
        {
            lock (_gate)
            {
                if (_suspendedAt is { } start && eventData.TimeStamp - start >= Reported)
                {
                    _pauses.Add((start.ToUniversalTime(), eventData.TimeStamp - start, _reason));
                }

                _suspendedAt = null;
            }
        }
    }

    // The runtime's SUSPEND_REASON values.
    private static string ReasonOf(int reason) => reason switch
    {
        0 => "other: not a collection",
        1 => "garbage collection",
        6 => "garbage collection preparation",
        5 or 7 => "debugger",
        _ => string.Create(CultureInfo.InvariantCulture, $"reason {reason}"),
    };
}
