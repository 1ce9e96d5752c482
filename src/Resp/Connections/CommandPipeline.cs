using System.Runtime.InteropServices;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Grid.Resp.Commands;
using Grid.Resp.Protocol;

namespace Grid.Resp.Connections;

/// <summary>
/// Turns the commands of one socket read into grid batches and writes their replies in command order.
/// </summary>
/// <remarks>
/// Each command's planner adds its ops (GET one, MGET one per key, ...) to one list for the whole read. The list leaves
/// through the dispatcher as one batch per target silo (<c>OperationDispatcher.ExecuteManyAsync</c>), so a pipeline of
/// N commands costs a few grid calls, not N. Order: ops of different partitions in one segment may run in any order
/// (as across Redis Cluster slots). Several ops of one partition, a write among them, stay in order: on this silo the
/// local runner runs them in frame order; elsewhere they go as one frame to the partition's grain
/// (<c>OperationDispatcher.ExecuteInOrderAsync</c>, through <see cref="OrderedFrameCoalescer"/>, which merges the groups
/// of several connections for one partition into one call), which runs a frame's ops one after the other, since the batched
/// path does not promise order across its batches. So a pipeline of 16 SETs or INCRs of one key costs one call, not
/// 16. With default-mode client tracking on, a write after a read or write of its partition (or a read after a write)
/// first sends the segment before it instead, as tracked reads must go through the batched path. Replies are written
/// in command order once all of a command's results are in. A command whose later step depends on an earlier answer
/// (APPEND, SET ... GET) is sequential: the batch before it is sent, its replies written, then it runs.
/// </remarks>
internal sealed class CommandPipeline(RespContext context, RespCommandTable table)
{
    private readonly List<PendingCommand> _pending = [];
    // Per partition of the current segment: Writes (one of its ops writes) and Several (it has more than one op).
    private readonly Dictionary<int, int> _segment = [];
    private const int Writes = 1;
    private const int Several = 2;
    private const int Ordered = Writes | Several;
    private GridResult[] _results = new GridResult[64];

    // Which ops of the segment ran on this silo's stores (RespGrid.Local), and the indexes of the others.
    private bool[] _ran = new bool[64];
    private readonly List<int> _left = [];
    private int _segmentStart;
    private int _replied;

    /// <summary>Runs <paramref name="commands"/> (parsed from one read, arguments in <paramref name="arguments"/>) and writes their replies.</summary>
    public async ValueTask RunAsync(List<RespCommandRange> commands, RespArguments arguments)
    {
        var ops = context.Ops;
        ops.Clear();
        _pending.Clear();
        _segment.Clear();
        _segmentStart = 0;
        _replied = 0;
        foreach (var range in commands)
        {
            if (context.Session.Closing)
            {
                break;
            }

            var call = new RespCall(arguments, range);
            var command = table.Find(call[0]);
            if (command is null)
            {
                _pending.Add(new PendingCommand(null, range, ops.Count, 0, 0, RespErrors.UnknownCommand(call)));
                continue;
            }

            if (!command.Accepts(call.Count))
            {
                _pending.Add(new PendingCommand(null, range, ops.Count, 0, 0, RespErrors.WrongArity(command.Name)));
                continue;
            }

            context.Session.LastCommand = command;
            if (!context.Session.Authenticated && RespAuthGate.Refuses(command, call) is { } refused)
            {
                _pending.Add(new PendingCommand(null, range, ops.Count, 0, 0, refused));
                continue;
            }

            if (command.Runner is { } runner)
            {
                await SendAsync(ops.Count).ConfigureAwait(false);
                WriteReplies(arguments);
                await runner(context, call).ConfigureAwait(false);
                continue;
            }

            int first = ops.Count;
            context.Error = null;
            context.Deferred = null;
            long state = command.Planner!(context, call);
            if (context.Error is { } error)
            {
                ops.RemoveRange(first, ops.Count - first);
                _pending.Add(new PendingCommand(null, range, first, 0, 0, error));
                continue;
            }

            if (context.Deferred is { } deferred)
            {
                ops.RemoveRange(first, ops.Count - first);
                await SendAsync(ops.Count).ConfigureAwait(false);
                WriteReplies(arguments);
                await deferred(context, call).ConfigureAwait(false);
                continue;
            }

            if (context.Session.Tracking is { Enabled: true, Broadcast: false } tracking)
            {
                TrackReads(tracking, first);
            }

            bool tracked = context.Session.Tracking is { Enabled: true, Broadcast: false };
            for (int k = first; k < ops.Count; k++)
            {
                int partition = context.Grid.Dispatcher.PartitionOf(ops[k].Key);
                int use = CallFailures.IsReadOnly(ops[k].Code) ? 0 : Writes;
                if (_segment.TryGetValue(partition, out int seen))
                {
                    if (tracked && ((seen | use) & Writes) != 0)
                    {
                        await SendAsync(k).ConfigureAwait(false);
                        seen = 0;
                    }
                    else
                    {
                        use |= Several;
                    }
                }

                _segment[partition] = seen | use;
            }

            _pending.Add(new PendingCommand(command, range, first, ops.Count - first, state, null));
        }

        await SendAsync(ops.Count).ConfigureAwait(false);
        WriteReplies(arguments);
        ops.Clear();
        Array.Clear(_results, 0, Math.Min(_results.Length, _segmentStart));
    }

    /// <summary>Sends the segment's ops up to <paramref name="end"/> (one batch per silo) and stores their results.</summary>
    private async ValueTask SendAsync(int end)
    {
        int count = end - _segmentStart;
        List<int>? ordered = OrderedPartitions();
        _segment.Clear();
        if (count <= 0)
        {
            return;
        }

        if (_results.Length < end)
        {
            Array.Resize(ref _results, Math.Max(end, _results.Length * 2));
        }

        var ops = context.Ops;
        if (_ran.Length < end)
        {
            Array.Resize(ref _ran, Math.Max(end, _ran.Length * 2));
        }

        Array.Clear(_ran, _segmentStart, count);
        try
        {
            // Ops of partitions live on this silo run here at once; the segment rule makes their order with the rest free.
            if (context.Grid.Local is { } local)
            {
                var run = await local.RunAsync(OpFrame.Encode(CollectionsMarshal.AsSpan(ops).Slice(_segmentStart, count))).ConfigureAwait(false);
                for (int k = 0; k < count; k++)
                {
                    if (run.Ran(k))
                    {
                        var reader = new FrameReader(run.ResultOf(k));
                        _results[_segmentStart + k] = ResultFrame.Read(ref reader);
                        _ran[_segmentStart + k] = true;
                    }
                }
            }

            var left = Remaining(end);
            context.Grid.CountForwarded(left.Count);
            if (ordered is not null)
            {
                await ForwardInOrderAsync(left, ordered).ConfigureAwait(false);
            }
            else if (left.Count == 1)
            {
                _results[left[0]] = await context.Grid.Dispatcher.ExecuteAsync(ops[left[0]], CancellationToken.None).ConfigureAwait(false);
            }
            else if (left.Count > 1)
            {
                await ForwardAsync(left).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The grid could not be reached (or is busy): every op of the segment not answered yet answers the reason.
            // Writes among them may or may not have been applied, as with a Redis connection lost before its reply.
            var failure = GridResult.Failure(ResultStatus.Error, ex.Message);
            for (int k = _segmentStart; k < end; k++)
            {
                if (!_ran[k])
                {
                    _results[k] = failure;
                }
            }
        }

        if (context.Session.Tracking is { Enabled: true, Broadcast: false } tracking)
        {
            // A GET the silo did not track (a miss, not a string, no slot on that silo yet): the client must not keep
            // its answer, so an invalidation follows the reply at once.
            for (int k = _segmentStart; k < end; k++)
            {
                if ((ops[k].Flags & OpFlags.Track) != 0 && !_results[k].Tracked)
                {
                    tracking.Push(ops[k].Key);
                }
            }
        }

        _segmentStart = end;
    }

    /// <summary>The segment's partitions with several ops, a write among them (null: none), read before the segment is cleared.</summary>
    private List<int>? OrderedPartitions()
    {
        List<int>? ordered = null;
        foreach (var (partition, use) in _segment)
        {
            if (use == Ordered)
            {
                (ordered ??= []).Add(partition);
            }
        }

        return ordered;
    }

    /// <summary>Sends the ops at <paramref name="indexes"/> through the batched path, one batch per silo, and stores their results.</summary>
    private async ValueTask ForwardAsync(List<int> indexes) =>
        StoreResults(indexes, await context.Grid.Dispatcher.ExecuteManyAsync(OpsAt(indexes), CancellationToken.None).ConfigureAwait(false));

    /// <summary>Sends the ops at <paramref name="indexes"/>, all of <paramref name="partition"/>, as one ordered frame to its grain, and stores their results.</summary>
    private async Task SendOrderedAsync(int partition, List<int> indexes) =>
        StoreResults(indexes, await context.Grid.Ordered.ExecuteAsync(OpsAt(indexes), partition).ConfigureAwait(false));

    private GridOp[] OpsAt(List<int> indexes)
    {
        var ops = context.Ops;
        var batch = new GridOp[indexes.Count];
        for (int j = 0; j < batch.Length; j++)
        {
            batch[j] = ops[indexes[j]];
        }

        return batch;
    }

    private void StoreResults(List<int> indexes, GridResult[] results)
    {
        for (int j = 0; j < results.Length; j++)
        {
            _results[indexes[j]] = results[j];
        }
    }

    /// <summary>
    /// Sends the ops at <paramref name="left"/>: those of the <paramref name="ordered"/> partitions as one ordered frame
    /// per partition to its grain, the rest through the batched path, all at once; stores their results.
    /// </summary>
    private async ValueTask ForwardInOrderAsync(List<int> left, List<int> ordered)
    {
        var ops = context.Ops;
        var dispatcher = context.Grid.Dispatcher;
        var rest = new List<int>(left.Count);
        var groups = new Dictionary<int, List<int>>(ordered.Count);
        foreach (int partition in ordered)
        {
            groups[partition] = [];
        }

        foreach (int k in left)
        {
            if (groups.TryGetValue(dispatcher.PartitionOf(ops[k].Key), out var group))
            {
                group.Add(k);
            }
            else
            {
                rest.Add(k);
            }
        }

        var sends = new List<Task>(groups.Count + 1);
        foreach (var (partition, group) in groups)
        {
            if (group.Count > 0)
            {
                sends.Add(SendOrderedAsync(partition, group));
            }
        }

        if (rest.Count > 0)
        {
            sends.Add(ForwardAsync(rest).AsTask());
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    /// <summary>The indexes of the segment's ops (up to <paramref name="end"/>) that did not run on this silo's stores.</summary>
    private List<int> Remaining(int end)
    {
        _left.Clear();
        for (int k = _segmentStart; k < end; k++)
        {
            if (!_ran[k])
            {
                _left.Add(k);
            }
        }

        return _left;
    }

    /// <summary>
    /// Default-mode tracking: the command's GETs become tracked reads (registered with the endpoint's tracking table
    /// before they leave, so a change reported from then on reaches the connection); its other reads, which the silos do
    /// not track, are followed by an invalidation right after their replies, so the client never keeps those answers.
    /// </summary>
    private void TrackReads(Tracking.TrackingClient tracking, int first)
    {
        var ops = context.Ops;
        for (int k = first; k < ops.Count; k++)
        {
            var op = ops[k];
            if (!CallFailures.IsReadOnly(op.Code))
            {
                continue;
            }

            if (op.Code == OpCode.Get)
            {
                op.Flags |= OpFlags.Track;
                context.Grid.Tracking.Track(tracking, op.Key);
            }
            else
            {
                tracking.Push(op.Key);
            }
        }
    }

    /// <summary>Writes, in order, the replies of the commands whose results are all in.</summary>
    private void WriteReplies(RespArguments arguments)
    {
        while (_replied < _pending.Count)
        {
            if (context.Writer.Written > context.Grid.Options.MaxOutputBufferBytes)
            {
                // Over the output bound: no more replies are written; the connection closes without them.
                context.Session.Closing = true;
                return;
            }

            var pending = _pending[_replied];
            if (pending.FirstOp + pending.OpCount > _segmentStart)
            {
                return;
            }

            if (pending.Error is { } error)
            {
                context.Writer.WriteError(error);
            }
            else
            {
                var results = new ReadOnlySpan<GridResult>(_results, pending.FirstOp, pending.OpCount);
                pending.Command!.Replier!(context, new RespCall(arguments, pending.Range), results, pending.State);
            }

            _replied++;
        }
    }
}
