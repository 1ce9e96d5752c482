using System.Diagnostics;
using Grid.Grains.Cluster;
using Grid.Tracing;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>Sends one replication shipment; while Grid's spans are listened to, under a <see cref="GridTracing.ReplicationShip"/> span.</summary>
internal static class ReplicationShipment
{
    public static Task SendAsync(ISiloAgentGrain agent, SiloAddress target, ReplicaItem[] batch) =>
        GridActivities.IsTracing ? SendTracedAsync(agent, target, batch) : agent.Replicate(batch);

    private static async Task SendTracedAsync(ISiloAgentGrain agent, SiloAddress target, ReplicaItem[] batch)
    {
        // Background work that serves every writer of the queue: a trace of its own, not a child of whichever grain call
        // first started the pump (its activity would otherwise be current here for the pump's whole life).
        Activity.Current = null;
        using var span = GridActivities.Source.StartActivity(GridTracing.ReplicationShip, ActivityKind.Client);
        if (span is null)
        {
            await agent.Replicate(batch).ConfigureAwait(false);
            return;
        }

        span.SetTag("grid.replication.target", target.ToString());
        span.SetTag("grid.replication.items", batch.Length);
        Task call;
        using (GridActivities.Inject(span))
        {
            call = agent.Replicate(batch);
        }

        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            GridActivities.Failed(span, ex);
            throw;
        }
    }
}
