using System.Diagnostics;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Metrics;
using Grid.Grains.NearCache;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Silo;

/// <summary>
/// Runs operations on this silo's live partitions straight on their stores, for callers inside the silo (the RESP
/// endpoint): what <see cref="SiloEntryGrain"/> does for the local part of a batch (validation, the store's locked
/// operation, the memory budget, waiting for replication and near-cache confirmations), without an Orleans call to
/// itself. Operations it does not run (partition not live here, tracked reads, a silo woken from a freeze) are left for
/// the caller to send through the grid as usual. Frames in, frames out: the wire protocol is internal to each side.
/// </summary>
public sealed class LocalOpRunner
{
    private readonly PartitionStoreRegistry _registry;
    private readonly SiloMemoryBudget _budget;
    private readonly GridClock _clock;
    private readonly ReplicationOutbox _replication;
    private readonly InvalidationHub _nearCaches;
    private readonly SiloPauseGuard _pauseGuard;
    private readonly GridSiloMetrics _metrics;
    private readonly GridLimits _limits;
    private readonly int _partitionCount;
    private long _opsRun;

    internal LocalOpRunner(PartitionStoreRegistry registry, SiloMemoryBudget budget, GridClock clock, IOptions<GridSiloOptions> options, ReplicationOutbox replication, InvalidationHub nearCaches, SiloPauseGuard pauseGuard, GridSiloMetrics metrics)
    {
        _registry = registry;
        _budget = budget;
        _clock = clock;
        _replication = replication;
        _nearCaches = nearCaches;
        _pauseGuard = pauseGuard;
        _metrics = metrics;
        _limits = options.Value.Limits;
        _partitionCount = options.Value.PartitionCount;
    }

    /// <summary>Operations run here since the silo started (RESP INFO <c>grid_resp_ops_local</c>).</summary>
    public long OpsRun => Volatile.Read(ref _opsRun);

    /// <summary>
    /// Runs each op of <paramref name="requestFrame"/> (a request frame, tracking slot and origin ignored) that can run
    /// here, and completes once their changes are safe (as a batch's answer waits). Ops of one partition run in frame
    /// order, and once one of them is left to the caller (partition not live here, a tracked read, closed meanwhile),
    /// so are all its later ones: the caller, which sends what is left elsewhere afterwards, keeps their order. Ops of
    /// different partitions must not depend on each other's order.
    /// </summary>
    /// <returns>The encoded results of the ops that ran, back to back, and per op its [start, end) in them (-1, -1: did not run).</returns>
    public ValueTask<LocalRun> RunAsync(byte[] requestFrame)
    {
        var reader = new OpFrameReader(requestFrame);
        var ranges = new int[reader.Count * 2];
        Array.Fill(ranges, -1);
        if (!_pauseGuard.IsServing)
        {
            return ValueTask.FromResult(new LocalRun([], ranges));
        }

        long started = Stopwatch.GetTimestamp();
        using var output = new FrameBuffer(64 + requestFrame.Length);
        var context = new BatchContext();
        long now = _clock.NowMs;
        int count = 0;
        // Partitions with an op left to the caller: a bit each (128 bytes for 1,024 partitions).
        Span<ulong> leftPartitions = stackalloc ulong[(_partitionCount + 63) >> 6];
        for (int i = 0; reader.TryRead(out var op, out _, out _); i++)
        {
            int partition = PartitionHasher.GetPartition(op.Key, _partitionCount);
            ref ulong leftBits = ref leftPartitions[partition >> 6];
            ulong bit = 1UL << (partition & 63);
            if ((leftBits & bit) != 0)
            {
                continue;
            }

            if ((op.Flags & OpFlags.Track) != 0 || _registry.TryGet(partition) is not { } store)
            {
                leftBits |= bit;
                continue;
            }

            int at = output.Position;
            if (OpValidator.TryGetError(op, _limits, out var error))
            {
                ResultFrame.Write(output, error);
            }
            else if (store.Execute(op, output, now, trackingSlot: -1, context) == ResultStatus.NotHere)
            {
                // Closed meanwhile (moving): nothing ran, nothing was written; the caller sends it to its new home.
                leftBits |= bit;
                continue;
            }

            ranges[2 * i] = at;
            ranges[2 * i + 1] = output.Position;
            count++;
        }

        var run = new LocalRun(count == 0 ? [] : output.ToArray(), ranges);
        if (count == 0)
        {
            return ValueTask.FromResult(run);
        }

        Interlocked.Add(ref _opsRun, count);

        _budget.EnforceBudget(context);
        if (context.ReplicationFence == 0 && context.InvalidationFences is null)
        {
            _metrics.RecordBatch(started, count);
            return ValueTask.FromResult(run);
        }

        return AfterFencesAsync(context, run, started, count);
    }

    /// <summary>
    /// Completes once the changes recorded in <paramref name="context"/> are safe: replicated (sync replication) and
    /// dropped by every near cache that held them (strict coherence).
    /// </summary>
    internal async Task WhenSafeAsync(BatchContext context)
    {
        if (context.ReplicationFence != 0)
        {
            await _replication.WhenReplicated(context.ReplicationFence);
        }

        await _nearCaches.WhenConfirmed(context);
    }

    private async ValueTask<LocalRun> AfterFencesAsync(BatchContext context, LocalRun run, long started, int count)
    {
        await WhenSafeAsync(context).ConfigureAwait(false);
        _metrics.RecordBatch(started, count);
        return run;
    }
}
