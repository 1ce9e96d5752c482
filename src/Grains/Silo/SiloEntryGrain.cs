using System.Buffers;
using System.Diagnostics;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Metrics;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Security;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Microsoft.Extensions.Logging;
using Grid.Tracing;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Grid.Grains.Silo;

/// <summary>
/// The silo's batch entry. Each operation of a batch runs directly on this silo's store of its partition, under the
/// store's lock; operations whose partition is not live here go, grouped per partition and in their original order,
/// through partition grain calls, and the answer tells the client where those partitions are.
/// </summary>
[Reentrant]
[KeepAlive]
[SiloTargetedPlacement]
internal sealed class SiloEntryGrain(
    PartitionStoreRegistry registry,
    SiloMemoryBudget budget,
    GridClock clock,
    IOptions<GridSiloOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    ILocalSiloDetails silo,
    ReplicationOutbox replication,
    ReplicaRegistry replicas,
    GridSiloMetrics metrics,
    SiloAnalytics analytics,
    TagIndexShardRegistry tagShards,
    SiloPauseGuard pauseGuard,
    LocalOpRunner localOps,
    HotKeys.HotKeyTracker hotKeys,
    Balancing.RebalanceControl rebalance,
    ILogger<SiloEntryGrain> logger) : Grain, ISiloEntryGrain
{
    private readonly GridLimits _limits = options.Value.Limits;
    private readonly int _partitionCount = options.Value.PartitionCount;

    // False on an activation placed away from the silo its key names: the client's tracking slot was given by that
    // silo's near-cache hub, and this silo's stores would track the key for whichever client holds the slot here (its
    // pushes would reach another client, and this one would keep serving a copy nobody invalidates).
    private bool _onNamedSilo = true;

    // Recent result bytes per operation (values read), to size result frames; read and written in this activation's
    // turns only (the batch's synchronous part runs in one turn).
    private int _resultBytesPerOp = 8;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placed away from the silo its key names (that silo was not yet known to the placing silo, or is gone): serve
        // what reaches it untracked, and leave at once, so the next call is placed again, on the right silo. (Kept
        // alive instead, it served every call meant for the named silo and reported this silo's statistics as its; a
        // call that reaches it while it leaves may be rejected, and the client sends it again.)
        if (!NamedSilo.Hosts(silo.SiloAddress, this.GetPrimaryKeyString()))
        {
            _onNamedSilo = false;
            EntryGrainLog.Misplaced(logger, this.GetPrimaryKeyString());
            this.DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public Task<SiloBatchResult> Execute(byte[] requestFrame) =>
        GridActivities.IsTracing ? ExecuteTracedAsync(requestFrame) : Execute(requestFrame, trace: null);

    /// <summary>The batch under a <see cref="GridTracing.BatchExecute"/> span, child of the client's span when it sent one.</summary>
    private async Task<SiloBatchResult> ExecuteTracedAsync(byte[] requestFrame)
    {
        using var span = GridActivities.StartFromRequest(GridTracing.BatchExecute, ActivityKind.Server);
        span?.SetTag("grid.silo", silo.SiloAddress.ToString());
        try
        {
            return await Execute(requestFrame, span);
        }
        catch (Exception ex)
        {
            GridActivities.Failed(span, ex);
            throw;
        }
    }

    private Task<SiloBatchResult> Execute(byte[] requestFrame, Activity? trace)
    {
        RequestFrameLimits.Check(requestFrame, _limits);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reader = new OpFrameReader(requestFrame);
        int count = reader.Count;
        trace?.SetTag("grid.batch.ops", count);
        if (!pauseGuard.IsServing)
        {
            // Woken from a freeze: this silo's stores may be stale; nothing runs, every op goes again elsewhere.
            return Task.FromResult(new SiloBatchResult(NotHereFrame(count), null));
        }

        // Reads the whole frame (a malformed one is refused before anything ran) and starts the loads of every op's way
        // to its record before the first op runs; the ops' partitions are kept for the pass below.
        BatchLookahead.Run(requestFrame, registry, _partitionCount, out int[] partitions);
        var output = new FrameBuffer(ResultCapacity(requestFrame.Length, count));
        ResultFrame.WriteHeader(output, count);

        // Where each op's result lies in the output ([start, end), start -1 for ops that went remote), to reorder.
        var resultRanges = ArrayPool<int>.Shared.Rent(count * 2);
        List<RemoteOp>? remote = null;
        long now = clock.NowMs;
        var context = new BatchContext { Origin = reader.Origin };
        int trackingSlot = _onNamedSilo ? reader.TrackingSlot : -1;
        var spans = trace is null ? null : new PartitionSpans();
        for (int i = 0; reader.TryRead(out var op, out int opStart, out int opEnd); i++)
        {
            int resultStart = output.Position;
            if (OpValidator.TryGetError(op, _limits, out var error))
            {
                ResultFrame.Write(output, error);
            }
            else
            {
                int partition = partitions[i];
                // Once an op of a partition went remote, later ops of that partition follow it, so their order holds.
                bool done = (remote is null || !ContainsPartition(remote, partition))
                    && ((registry.TryGet(partition) is { } store && Run(store, op, output, now, trackingSlot, context, spans) != ResultStatus.NotHere)
                        || ((op.Flags & OpFlags.ReplicaRead) != 0 && TryServeFromReplica(partition, op, output, now)));
                if (!done)
                {
                    (remote ??= []).Add(new RemoteOp(i, partition, opStart, opEnd, op.Code, op.RequestId != 0));
                    resultStart = -1;
                }
            }

            resultRanges[2 * i] = resultStart;
            resultRanges[2 * i + 1] = output.Position;
        }

        spans?.Close();
        ArrayPool<int>.Shared.Return(partitions);
        _resultBytesPerOp = AnswerSizeEstimate.Next(_resultBytesPerOp, output.Position, count);
        budget.EnforceBudget(context);
        replication.RequireReplayedReplicated(context);
        long fence = context.ReplicationFence;
        if (remote is null)
        {
            var frame = output.ToArray();
            output.Dispose();
            ArrayPool<int>.Shared.Return(resultRanges);
            var result = new SiloBatchResult(frame, null);
            if (fence == 0 && context.InvalidationFences is null)
            {
                metrics.RecordBatch(started, count);
                return Task.FromResult(result);
            }

            return AfterFencesAsync(context, result, started, count);
        }

        return ExecuteRemoteAsync(requestFrame, context, count, output, resultRanges, remote, started, trace);
    }

    /// <summary>
    /// The result frame's first buffer: the request's size (writes answer little) or this activation's recent result
    /// bytes per operation, whichever is more, so that reads of large values do not grow the buffer (each growth copies
    /// what was written so far) while the batch is answered. At most 1 MiB; a larger answer still grows.
    /// </summary>
    private int ResultCapacity(int requestBytes, int count) =>
        (int)Math.Min(1 << 20, Math.Max(32L + requestBytes + (count * 8L), 32L + ((long)count * _resultBytesPerOp)));

    /// <summary>
    /// A hot key's read sent to this silo for its partition's replica (<see cref="OpFlags.ReplicaRead"/>), answered
    /// from it when this silo holds one and it has the string (see <see cref="PartitionStore.TryServeReplicaRead"/>).
    /// </summary>
    private bool TryServeFromReplica(int partition, in OpView op, FrameBuffer output, long now)
    {
        if (op.Code != OpCode.Get || replicas.StoreOf(partition) is not { } replica || !replica.TryServeReplicaRead(op.Key, output, now))
        {
            return false;
        }

        metrics.ReplicaReadServed();
        return true;
    }

    /// <summary>Runs one op on a store live here, inside its partition's span when the batch is traced.</summary>
    private static ResultStatus Run(PartitionStore store, in OpView op, FrameBuffer output, long now, int trackingSlot, BatchContext context, PartitionSpans? spans)
    {
        spans?.Enter(store.Partition);
        return store.Execute(op, output, now, trackingSlot, context);
    }

    /// <summary>
    /// Answers once the batch's changes are safe: replicated (sync replication; reads record nothing and never wait) and
    /// dropped by every near cache that held them (strict coherence).
    /// </summary>
    private async Task<SiloBatchResult> AfterFencesAsync(BatchContext context, SiloBatchResult result, long started, int count)
    {
        await localOps.WhenSafeAsync(context);
        metrics.RecordBatch(started, count);
        return result;
    }

    /// <summary>Sends the ops whose partition is not live here to their partition grains, then merges all results in order.</summary>
    private async Task<SiloBatchResult> ExecuteRemoteAsync(byte[] requestFrame, BatchContext context, int count, FrameBuffer local, int[] resultRanges, List<RemoteOp> remote, long started, Activity? trace)
    {
        var origin = context.Origin;
        try
        {
            var groups = new Dictionary<int, List<RemoteOp>>();
            foreach (var op in remote)
            {
                if (!groups.TryGetValue(op.Partition, out var group))
                {
                    groups[op.Partition] = group = [];
                }

                group.Add(op);
            }

            var calls = new List<(List<RemoteOp> Ops, Task<PartitionBatchResult> Call)>(groups.Count);

            // A traced batch's partition grain calls carry its span: each partition's span is a child of the batch's.
            using var traced = trace is null ? default : GridActivities.Inject(trace);
            foreach (var (partition, ops) in groups)
            {
                using var frame = new FrameBuffer(16 + ops.Count * 64);
                // Tracking slots belong to this silo's hub: ops run elsewhere are answered untracked.
                OpFrame.WriteHeader(frame, ops.Count, trackingSlot: -1, origin);
                foreach (var op in ops)
                {
                    frame.WriteRaw(requestFrame.AsSpan(op.Start, op.End - op.Start));
                }

                calls.Add((ops, GrainFactory.GetGrain<IPartitionGrain>(partition).Execute(frame.ToArray())));
            }

            var remoteResults = new (byte[] Frame, int Start, int End)[count];
            List<PartitionLocation>? moved = null;
            foreach (var (ops, call) in calls)
            {
                PartitionBatchResult answer;
                try
                {
                    answer = await call;
                }
                catch (Exception ex) when (ex is not GridException)
                {
                    // Per op: sent again by the client when it surely did not run (or only reads), reported otherwise.
                    answer = RemoteCallFailure.Results(ops, ex, silo.SiloAddress);
                }

                var reader = new FrameReader(answer.ResultFrame);
                ResultFrame.ReadHeader(ref reader);
                foreach (var op in ops)
                {
                    var (start, end) = ResultFrame.Skip(ref reader);
                    remoteResults[op.Index] = (answer.ResultFrame, start, end);
                }

                if (!answer.Silo.Equals(silo.SiloAddress))
                {
                    (moved ??= []).Add(new PartitionLocation(ops[0].Partition, answer.Silo));
                }
            }

            using var merged = new FrameBuffer(local.Position + 64 * remote.Count);
            ResultFrame.WriteHeader(merged, count);
            for (int i = 0; i < count; i++)
            {
                int start = resultRanges[2 * i];
                if (start >= 0)
                {
                    merged.WriteRaw(local.Written[start..resultRanges[2 * i + 1]]);
                }
                else
                {
                    var (frame, from, to) = remoteResults[i];
                    merged.WriteRaw(frame.AsSpan(from, to - from));
                }
            }

            await localOps.WhenSafeAsync(context);
            metrics.RecordBatch(started, count);
            return new SiloBatchResult(merged.ToArray(), moved?.ToArray());
        }
        finally
        {
            local.Dispose();
            ArrayPool<int>.Shared.Return(resultRanges);
        }
    }

    /// <summary>A result frame answering <see cref="ResultStatus.NotHere"/> to each of <paramref name="count"/> ops.</summary>
    internal static byte[] NotHereFrame(int count)
    {
        using var frame = new FrameBuffer(8 + count * 2);
        ResultFrame.WriteHeader(frame, count);
        var notHere = GridResult.OfStatus(ResultStatus.NotHere);
        for (int i = 0; i < count; i++)
        {
            ResultFrame.Write(frame, notHere);
        }

        return frame.ToArray();
    }

    private static bool ContainsPartition(List<RemoteOp> remote, int partition)
    {
        foreach (var op in remote)
        {
            if (op.Partition == partition)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An op of the batch that runs elsewhere: its index, partition and byte range in the request frame.</summary>
    internal readonly record struct RemoteOp(int Index, int Partition, int Start, int End, OpCode Code, bool HasRequestId);

    public Task<GridClusterInfo> GetClusterInfo() =>
        Task.FromResult(new GridClusterInfo(_partitionCount, _limits, clusterOptions.Value.ServiceId, clusterOptions.Value.ClusterId)
        {
            DataPlaneShards = options.Value.EffectiveDataPlaneShards,
        });

    public Task<GridSiloStatistics> CollectGarbage()
    {
        if (!options.Value.EnableDiagnostics)
        {
            throw new InvalidOperationException("Diagnostics are disabled on this silo; set Grid:EnableDiagnostics=true to allow a forced GC.");
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GetStatistics();
    }

    public Task<GridSiloAnalytics> GetAnalytics()
    {
        var statistics = Statistics();
        var (recent, hourly, now) = analytics.Snapshot();
        return Task.FromResult(new GridSiloAnalytics
        {
            Statistics = statistics,
            CapturedAtUnixMs = now,
            StartedAtUnixMs = analytics.StartedAtUnixMs,
            Recent = recent,
            Hourly = hourly,
            TagIndex = tagShards.Snapshot(),
        });
    }

    public Task<GridSiloStatistics> GetStatistics() => Task.FromResult(Statistics());

    public Task<GridHotKey[]> GetHotKeys(int top)
    {
        if (top is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(top), top, "top must be between 1 and 1024.");
        }

        return Task.FromResult(hotKeys.Enabled ? hotKeys.Snapshot(top, silo.SiloAddress.ToParsableString()) : []);
    }

    public Task<GridRebalanceStatus> GetRebalanceStatus() => rebalance.GetStatusAsync();

    public Task<GridRebalanceSettings> ChangeRebalance(GridRebalanceChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return rebalance.ChangeAsync(change);
    }

    private GridSiloStatistics Statistics()
    {
        var totals = new StoreCounters();
        registry.Retired.AddTo(totals);
        long entries = 0;
        long expiring = 0;
        var stores = registry.All;
        foreach (var store in stores)
        {
            store.Counters.AddTo(totals);
            entries += store.Count;
            expiring += store.ExpiringCount;
        }

        return new GridSiloStatistics
        {
            Silo = silo.SiloAddress.ToParsableString(),
            Partitions = stores.Length,
            Entries = entries,
            ExpiringEntries = expiring,
            Bytes = budget.UsedBytes,
            BudgetBytes = budget.BudgetBytes,
            Hits = totals.Hits,
            Misses = totals.Misses,
            Evictions = totals.Evictions,
            Expirations = totals.Expirations,
            Operations = totals.Operations,
            GcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
            ReplicaPartitions = replicas.Count,
            ReplicaEntries = replicas.Entries,
            ReplicaBytes = replicas.Bytes,
        };
    }
}
