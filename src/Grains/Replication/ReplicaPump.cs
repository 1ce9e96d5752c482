using Grid.Grains.Cluster;
using Grid.Grains.Resilience;
using Grid.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Grid.Grains.Replication;

/// <summary>
/// Ships one replica silo's queue of the <see cref="ReplicationOutbox"/>, in order, one batch at a time: it sleeps while
/// the queue is empty, sends a batch to the silo's agent grain again and again (<see cref="SiloRetryPipelines.UntilDelivered"/>,
/// 50 ms doubling to 1 s) until it is acknowledged, then lets the outbox settle it. It ends when the queue dies (the
/// silo left the cluster: the outbox re-seeds elsewhere what it held) or the silo stops.
/// </summary>
internal sealed partial class ReplicaPump
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ReplicationOutbox _outbox;
    private readonly ReplicaQueue _queue;
    private readonly ISiloAgentGrain _agent;
    private readonly ResiliencePipeline _shipping;
    private readonly CancellationToken _stopping;
    private readonly TimeSpan _shipTimeout;

    public ReplicaPump(ReplicationOutbox outbox, ReplicaQueue queue, IGrainFactory grains, ILogger logger, TimeSpan shipTimeout, CancellationToken stopping)
    {
        _outbox = outbox;
        _queue = queue;
        _shipTimeout = shipTimeout;
        _agent = grains.GetGrain<ISiloAgentGrain>(queue.Target.ToParsableString());
        _stopping = stopping;
        _shipping = SiloRetryPipelines.UntilDelivered(FirstRetryDelay, MaxRetryDelay, args =>
        {
            int failures = args.AttemptNumber + 1;
            if (failures == 1 || failures % 20 == 0)
            {
                LogShipFailed(logger, args.Outcome.Exception!, queue.Target, failures);
            }

            // The target may be gone already: re-target now rather than wait for the next membership notification.
            outbox.OnShipFailed(queue);
            return ValueTask.CompletedTask;
        });
    }

    public async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            if (!_outbox.TryTakeBatch(_queue, out var batch, out var wake))
            {
                return;
            }

            if (wake is not null)
            {
                await wake.WaitAsync(_stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            // One frame per batch, encoded outside every lock, sent again as it is after a failure.
            byte[] frame = ReplicaFrame.Encode(batch!);
            int[]? reseed;
            try
            {
                reseed = await _shipping.ExecuteAsync(static (state, _) => state.Pump.ShipAsync(state.Frame, state.Items), (Pump: this, Frame: frame, Items: batch!.Length), _stopping).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (reseed is null)
            {
                return;
            }

            _outbox.OnShipped(_queue, reseed);
        }
    }

    /// <summary>
    /// One attempt to ship the batch in flight (the same frame after a failure): the partitions the replica asks to be
    /// seeded again (see <see cref="ReplicaRegistry.Apply"/>), or null when the queue died meanwhile.
    /// </summary>
    private async ValueTask<int[]?> ShipAsync(byte[] frame, int items)
    {
        if (!ReplicationOutbox.IsLive(_queue))
        {
            return null;
        }

        var shipment = SendAsync(frame, items);
        try
        {
            // Bounded: a call lost on its way (seen while a silo stopped) would otherwise hold the watermark, every sync
            // write of this silo and every leaving partition's hand-off until Orleans' response timeout. Sent again
            // after the bound: the replica ignores items not newer than what it holds, seeds included.
            return await shipment.WaitAsync(_shipTimeout + TimeSpan.FromSeconds(frame.Length >> 20)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            AbandonedCall.Observe(shipment);
            throw;
        }
    }

    private async Task<int[]> SendAsync(byte[] frame, int items)
    {
        if (_outbox.BeforeShip is { } hold)
        {
            await hold().ConfigureAwait(false);
        }

        return await ReplicationShipment.SendAsync(_agent, _queue.Target, frame, items).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication to silo {Silo} failed ({Failures} in a row); retrying until it answers or leaves the cluster")]
    private static partial void LogShipFailed(ILogger logger, Exception error, Orleans.Runtime.SiloAddress silo, int failures);
}
