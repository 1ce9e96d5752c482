using System.Diagnostics;
using Grid.Tracing;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>
/// The <see cref="GridTracing.BatchSend"/> span of one batch. A batch carries the operations of many callers (natural
/// batching): its parent is the span of the first caller that had one, and the other callers' spans are links, as
/// OpenTelemetry models batching. A batch none of whose callers had a span starts a trace of its own.
/// </summary>
internal static class BatchSpan
{
    /// <summary>At most this many links per span (a full batch of traced callers would otherwise make hundreds).</summary>
    private const int MaxLinks = 32;

    /// <summary>Starts the span of <paramref name="ops"/> sent to <paramref name="silo"/> (null when it is not sampled).</summary>
    public static Activity? Start(PendingOp[] ops, SiloAddress silo)
    {
        Activity? parent = null;
        List<ActivityLink>? links = null;
        foreach (var op in ops)
        {
            if (op.Caller is not { } caller)
            {
                continue;
            }

            if (parent is null)
            {
                parent = caller;
            }
            else if (caller.SpanId != parent.SpanId && (links is null || (links.Count < MaxLinks && !Contains(links, caller))))
            {
                (links ??= []).Add(new ActivityLink(caller.Context));
            }
        }

        // The batch may leave from another batch's completion or another caller's call: never parent it by accident.
        Activity.Current = null;
        var span = GridActivities.Source.StartActivity(GridTracing.BatchSend, ActivityKind.Client, parent?.Context ?? default, tags: null, links);
        if (span is not null)
        {
            span.SetTag("grid.silo", silo.ToString());
            span.SetTag("grid.batch.ops", ops.Length);
        }

        return span;
    }

    private static bool Contains(List<ActivityLink> links, Activity caller)
    {
        foreach (var link in links)
        {
            if (link.Context.SpanId == caller.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
