using Orleans.Runtime;

namespace Grid.Tracing;

/// <summary>The trace context entries of the request context before <see cref="GridActivities.Inject"/>; disposing restores them.</summary>
internal readonly struct RequestContextScope(object? traceParent, object? traceState) : IDisposable
{
    public void Dispose()
    {
        Restore(GridActivities.TraceParentKey, traceParent);
        Restore(GridActivities.TraceStateKey, traceState);
    }

    private static void Restore(string key, object? value)
    {
        if (value is null)
        {
            RequestContext.Remove(key);
        }
        else
        {
            RequestContext.Set(key, value);
        }
    }
}
