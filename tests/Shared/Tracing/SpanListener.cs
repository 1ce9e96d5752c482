using System.Collections.Concurrent;
using System.Diagnostics;

namespace Grid.Tests.Shared.Tracing;

/// <summary>Collects the spans of the named sources as they stop (linked into the client and cluster tests).</summary>
internal static class SpanListener
{
    /// <summary>Starts listening; dispose the listener to stop.</summary>
    public static ActivityListener Listen(ConcurrentQueue<Activity> stopped, params string[] sources)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => Array.IndexOf(sources, source.Name) >= 0,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
