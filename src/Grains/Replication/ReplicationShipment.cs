using System.Diagnostics;
using Grid.Grains.Cluster;
using Grid.Tracing;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>Sends one replication shipment; while Grid's spans are listened to, under a <see cref="GridTracing.ReplicationShip"/> span.</summary>
internal static class ReplicationShipment
{
    /// <summary>Sends one <see cref="ReplicaFrame"/> of <paramref name="items"/> items; returns the partitions the replica asks to be seeded again.</summary>
    public static Task<int[]> SendAsync(ISiloAgentGrain agent, SiloAddress target, byte[] frame, int items) =>
        GridActivities.IsTracing ? SendTracedAsync(agent, target, frame, items) : agent.Replicate(frame);

    private static async Task<int[]> SendTracedAsync(ISiloAgentGrain agent, SiloAddress target, byte[] frame, int items)
    {
        // Background work that serves every writer of the queue: a trace of its own, not a child of whichever grain call
        // first started the pump (its activity would otherwise be current here for the pump's whole life).
        Activity.Current = null;
        using var span = GridActivities.Source.StartActivity(GridTracing.ReplicationShip, ActivityKind.Client);
        if (span is null)
        {
            return await agent.Replicate(frame).ConfigureAwait(false);
        }

        span.SetTag("grid.replication.target", target.ToString());
        span.SetTag("grid.replication.items", items);
        span.SetTag("grid.replication.bytes", frame.Length);
        Task<int[]> call;
        using (GridActivities.Inject(span))
        {
            call = agent.Replicate(frame);
        }

        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            GridActivities.Failed(span, ex);
            throw;
        }
    }
}
