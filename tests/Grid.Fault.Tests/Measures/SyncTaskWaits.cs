using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Grid.Fault.Tests.Measures;

/// <summary>
/// Every synchronous wait on an unfinished task (<c>Task.Wait</c>, <c>.Result</c>, <c>GetAwaiter().GetResult()</c>) made
/// on a thread-pool thread of the test host, with the stack that made it, from the task library's own events (its
/// listener runs on the waiting thread, so the stack is the waiter's). Such waits starve the pool when they pile up: a
/// throughput dip with the pool starved and no host stall (<see cref="HostStalls"/>) should show its cause here.
/// </summary>
internal sealed class SyncTaskWaits : EventListener
{
    // System.Threading.Tasks.TplEventSource: TaskWaitBegin (10) under Keywords.Tasks (2); Behavior 1 = synchronous.
    private const EventKeywords TasksKeyword = (EventKeywords)0x2;
    private const int TaskWaitBegin = 10;
    private const int Synchronous = 1;
    private const int Shown = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _stacks = new(StringComparer.Ordinal);
    private int _waits;

    /// <summary>One line for the report: how many such waits, and the most frequent stacks.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            if (_waits == 0)
            {
                return "synchronous task waits on pool threads in the test host: none";
            }

            var top = _stacks.OrderByDescending(s => s.Value).Take(Shown)
                .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value}× at {s.Key}"));
            return string.Create(CultureInfo.InvariantCulture, $"synchronous task waits on pool threads in the test host: {_waits}; ") + string.Join(" | ", top);
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "System.Threading.Tasks.TplEventSource")
        {
            EnableEvents(eventSource, EventLevel.Informational, TasksKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != TaskWaitBegin || !Thread.CurrentThread.IsThreadPoolThread
            || eventData.Payload is not { Count: > 3 } payload || Convert.ToInt32(payload[3], CultureInfo.InvariantCulture) != Synchronous)
        {
            return;
        }

        string stack = Compact(new StackTrace(skipFrames: 1, fNeedFileInfo: false));
        lock (_gate)
        {
            _waits++;
            _stacks[stack] = _stacks.GetValueOrDefault(stack) + 1;
        }
    }

    /// <summary>The frames outside the event and task plumbing, innermost first, as type.method joined by " < ".</summary>
    private static string Compact(StackTrace trace)
    {
        var frames = new List<string>();
        foreach (var frame in trace.GetFrames())
        {
            var method = frame.GetMethod();
            string? type = method?.DeclaringType?.FullName;
            if (method is null || type is null || type.StartsWith("System.Diagnostics.Tracing", StringComparison.Ordinal)
                || type.StartsWith("System.Threading.Tasks.TplEventSource", StringComparison.Ordinal) || type.StartsWith(typeof(SyncTaskWaits).FullName!, StringComparison.Ordinal))
            {
                continue;
            }

            frames.Add(type + "." + method.Name);
            if (frames.Count == 12)
            {
                break;
            }
        }

        return string.Join(" < ", frames);
    }
}
