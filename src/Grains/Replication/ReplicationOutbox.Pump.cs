using System.Diagnostics;
using Grid.Grains.Cluster;
using Grid.Tracing;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

internal sealed partial class ReplicationOutbox
{
    private async Task PumpAsync(ReplicaQueue queue)
    {
        var agent = _grains.GetGrain<ISiloAgentGrain>(queue.Target.ToParsableString());
        int failures = 0;
        while (!_stopping.IsCancellationRequested)
        {
            ReplicaItem[]? batch = null;
            Task? wake = null;
            lock (_lock)
            {
                if (queue.Dead)
                {
                    return;
                }

                queue.InFlight ??= queue.TakeBatch(_maxBatchBytes);
                if (queue.InFlight.Count == 0)
                {
                    queue.InFlight = null;
                    wake = queue.Sleep();
                }
                else
                {
                    batch = new ReplicaItem[queue.InFlight.Count];
                    for (int i = 0; i < batch.Length; i++)
                    {
                        batch[i] = queue.InFlight[i].Item;
                    }
                }
            }

            if (wake is not null)
            {
                await wake.WaitAsync(_stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            try
            {
                if (BeforeShip is { } hold)
                {
                    await hold().ConfigureAwait(false);
                }

                await ShipAsync(agent, queue.Target, batch!).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                failures++;
                if (failures == 1 || failures % 20 == 0)
                {
                    LogShipFailed(_logger, ex, queue.Target, failures);
                }

                // The target may be gone already: re-target now rather than wait for the next membership notification.
                if (!_view.Current.Contains(queue.Target))
                {
                    OnViewChanged();
                }

                await Task.Delay(Math.Min(1000, 25 << Math.Min(failures, 6)), _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            failures = 0;
            OnShipped(queue);
        }
    }

    /// <summary>Sends one shipment; while Grid's spans are listened to, under a <see cref="GridTracing.ReplicationShip"/> span.</summary>
    private static Task ShipAsync(ISiloAgentGrain agent, SiloAddress target, ReplicaItem[] batch) =>
        GridActivities.IsTracing ? ShipTracedAsync(agent, target, batch) : agent.Replicate(batch);

    private static async Task ShipTracedAsync(ISiloAgentGrain agent, SiloAddress target, ReplicaItem[] batch)
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

    private void OnShipped(ReplicaQueue queue)
    {
        List<TaskCompletionSource>? released;
        lock (_lock)
        {
            var shipped = queue.InFlight!;
            queue.InFlight = null;
            foreach (var pending in shipped)
            {
                if (pending.Item.Kind != ReplicaItemKind.Seed)
                {
                    continue;
                }

                // Only the partition's current primary, whose replica is this seed, retires older copies: a partition that
                // left meanwhile has a new primary, whose own seed may already sit on those silos with the same version.
                if (pending.DropAt is { } dropAt && _attached[pending.Item.Partition] is { } attached && queue.Target.Equals(attached.Target))
                {
                    foreach (var holder in dropAt)
                    {
                        if (!holder.Equals(attached.Target))
                        {
                            // Counted in the partition's last sequence, so a hand-off waits for it before the next primary seeds.
                            attached.LastSequence = Enqueue(holder, new PendingItem(new ReplicaItem { Kind = ReplicaItemKind.Drop, Partition = pending.Item.Partition, Version = pending.Item.Version }));
                        }
                    }
                }

                if (pending.Releases is { } links)
                {
                    foreach (var dead in links)
                    {
                        dead.Superseding--;
                    }

                    pending.Releases = null;
                }
            }

            RemoveReleasedQueues();
            released = AdvanceWatermark();
        }

        Complete(released);
    }
}
