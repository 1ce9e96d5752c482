using System.Diagnostics;
using Orleans.Runtime;

namespace Grid.Tracing;

/// <summary>
/// Grid's <see cref="ActivitySource"/> (<see cref="GridTracing.SourceName"/>) and how a span's context crosses a grain
/// call: the caller puts the span's W3C <c>traceparent</c> (and <c>tracestate</c>) in Orleans' <see cref="RequestContext"/>,
/// the callee starts its span under it. These are the keys Orleans' own activity propagation uses, so with that turned on
/// as well the two agree (its spans then sit between ours). Compiled into the client and the grains (src/Shared), each
/// with its own source of the same name.
/// <para>
/// Callers check <see cref="IsTracing"/> before anything else: with no listener the hot path reads one field, starts
/// nothing and puts nothing in the request context.
/// </para>
/// </summary>
internal static class GridActivities
{
    /// <summary>The request context key of the W3C trace parent (as Orleans' activity propagation).</summary>
    public const string TraceParentKey = "traceparent";

    /// <summary>The request context key of the W3C trace state (as Orleans' activity propagation).</summary>
    public const string TraceStateKey = "tracestate";

    /// <summary>The source every Grid span starts from.</summary>
    public static readonly ActivitySource Source = new(GridTracing.SourceName, typeof(GridActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Someone listens to Grid's spans (otherwise nothing is started and nothing travels).</summary>
    public static bool IsTracing => Source.HasListeners();

    /// <summary>
    /// Starts a span for an incoming grain call, under the trace context the call carried. The current activity is its
    /// parent instead when it already belongs to that trace (Orleans' activity propagation made one for this call), or
    /// when the call carried none.
    /// </summary>
    public static Activity? StartFromRequest(string name, ActivityKind kind)
    {
        if (RequestContext.Get(TraceParentKey) is string traceParent
            && ActivityContext.TryParse(traceParent, RequestContext.Get(TraceStateKey) as string, isRemote: true, out var parent)
            && Activity.Current?.TraceId != parent.TraceId)
        {
            return Source.StartActivity(name, kind, parent);
        }

        return Source.StartActivity(name, kind);
    }

    /// <summary>
    /// Puts <paramref name="span"/>'s context in the request context, so grain calls made before the returned scope is
    /// disposed carry it; disposing puts back what was there (Orleans takes the request context when a call is made).
    /// </summary>
    public static RequestContextScope Inject(Activity span)
    {
        var scope = new RequestContextScope(RequestContext.Get(TraceParentKey), RequestContext.Get(TraceStateKey));
        RequestContext.Set(TraceParentKey, span.Id!);
        if (span.TraceStateString is { } state)
        {
            RequestContext.Set(TraceStateKey, state);
        }
        else
        {
            RequestContext.Remove(TraceStateKey);
        }

        return scope;
    }

    /// <summary>Marks <paramref name="span"/> failed with <paramref name="error"/>'s type and message.</summary>
    public static void Failed(Activity? span, Exception error)
    {
        if (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error.Message);
            span.SetTag("error.type", error.GetType().FullName);
        }
    }
}
