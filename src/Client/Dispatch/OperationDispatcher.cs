using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Grid.Client.Connection;
using Grid.Client.Metrics;
using Grid.Client.Routing;
using Grid.Partitioning;
using Grid.Protocol;

namespace Grid.Client.Dispatch;

/// <summary>
/// Gets operations to the grid: batching on, each one is queued on the channel of the silo that holds its partition
/// (coalesced with other callers' there), or handed to the router while no silo is known; batching off, the
/// <see cref="UnbatchedSender"/> calls the partition grain. Every operation gets its deadline here, and connects the
/// cache first if nothing did yet.
/// </summary>
internal sealed class OperationDispatcher
{
    private readonly ClusterConnection _connection;
    private readonly PartitionRouter _router;
    private readonly RequestSequencer _requests;
    private readonly ClientOperationMetrics _metrics;
    private readonly GridClientOptions _options;
    private readonly UnbatchedSender _unbatched;

    public OperationDispatcher(ClusterConnection connection, RequestSequencer requests, ClientOperationMetrics metrics, GridClientOptions options)
    {
        _connection = connection;
        _router = connection.Router;
        _requests = requests;
        _metrics = metrics;
        _options = options;
        _unbatched = new UnbatchedSender(connection.Client, requests, metrics, options.Limits);
    }

    /// <summary>
    /// Sends one operation; the task completes with its result. Not async itself, so the hot path costs no state
    /// machine beyond the caller's.
    /// </summary>
    public Task<GridResult> ExecuteAsync(GridOp op, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var task = _connection.IsConnected ? Submit(op, timeout, cancellationToken) : ConnectThenSubmitAsync(op, timeout, cancellationToken);
        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    /// <summary>Sends many operations (grouped per silo) and waits for all results, in order.</summary>
    public async ValueTask<GridResult[]> ExecuteManyAsync(GridOp[] ops, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _connection.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        if (_options.Batching)
        {
            return (await ExecuteBatchedAsync(ops, timeout, cancellationToken).ConfigureAwait(false)).Results;
        }

        var tasks = new Task<GridResult>[ops.Length];
        for (int i = 0; i < ops.Length; i++)
        {
            tasks[i] = _unbatched.SendAsync(ops[i], PartitionOf(ops[i].Key), timeout ?? _options.OperationTimeout);
        }

        var all = Task.WhenAll(tasks);
        return cancellationToken.CanBeCanceled
            ? await all.WaitAsync(cancellationToken).ConfigureAwait(false)
            : await all.ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="ops"/>, all of partition <paramref name="partition"/>, in the given order, as one call to the
    /// partition's grain: for callers that must keep the order of several writes to one partition (a RESP pipeline),
    /// which the batched path does not promise across its batches.
    /// </summary>
    public async Task<GridResult[]> ExecuteInOrderAsync(GridOp[] ops, int partition, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _connection.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var sent = _unbatched.SendInOrderAsync(ops, partition, timeout ?? _options.OperationTimeout);
        return cancellationToken.CanBeCanceled ? await sent.WaitAsync(cancellationToken).ConfigureAwait(false) : await sent.ConfigureAwait(false);
    }

    /// <summary>Runs reads and returns their results with the pending ops (to know each one's silo channel; null with batching off).</summary>
    public async ValueTask<(GridResult[] Results, PendingOp[]? Pending)> ExecuteReadsAsync(GridOp[] ops, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_options.Batching)
        {
            return (await ExecuteManyAsync(ops, cancellationToken).ConfigureAwait(false), null);
        }

        await _connection.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteBatchedAsync(ops, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The batched path of a multi-key call: takes its writes' request ids (waiting for room in the write window), queues
    /// every op on its silo's channel, and waits for all of them.
    /// </summary>
    private async ValueTask<(GridResult[] Results, PendingOp[] Pending)> ExecuteBatchedAsync(GridOp[] ops, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        // One wake-up for the whole call (not one per op), then the results in order; the first failed op's error in
        // order, as awaiting Task.WhenAll over the ops gave.
        var group = new OpGroup(ops.Length);
        long deadline = DeadlineAfter(timeout);
        long firstId = await ReserveManyAsync(ops, deadline, cancellationToken).ConfigureAwait(false);
        var pending = EnqueueMany(ops, deadline, group, firstId);
        var done = group.Task;
        await (cancellationToken.CanBeCanceled ? done.WaitAsync(cancellationToken) : done).ConfigureAwait(false);
        var results = new GridResult[pending.Length];
        for (int i = 0; i < pending.Length; i++)
        {
            results[i] = await pending[i].Task.ConfigureAwait(false);
        }

        return (results, pending);
    }

    /// <summary>
    /// Sends one op that asks the silo to track its key for this client (a near-cache read, or a write whose value is
    /// kept) and returns it once answered, to know which silo answered. Needs batching (so does the near cache).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<PendingOp> SubmitTrackedAsync(GridOp op, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_connection.IsConnected)
        {
            await _connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        op.Flags |= OpFlags.Track;
        int partition = PartitionOf(op.Key);
        long deadline = DeadlineAfter(timeout);
        var pending = TryReserve(op, out long requestId)
            ? Enqueue(op, partition, deadline, requestId)
            : await EnqueueWhenRoomCoreAsync(op, partition, deadline, cancellationToken).ConfigureAwait(false);
        if (cancellationToken.CanBeCanceled)
        {
            await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await pending.Task.ConfigureAwait(false);
        }

        return pending;
    }

    /// <summary>
    /// An op that asks the silo to track its key for this client, created but not sent yet: the near cache shares it
    /// with concurrent readers of the key before it leaves (so an invalidation received from then on can stop later
    /// readers from joining it), then calls <see cref="Send"/>. Connect first (<see cref="EnsureConnectedAsync"/>).
    /// </summary>
    public PendingOp CreateTracked(GridOp op, TimeSpan? timeout = null)
    {
        op.Flags |= OpFlags.Track;
        return new PendingOp(op, PartitionOf(op.Key), DeadlineAfter(timeout), _metrics, _requests);
    }

    /// <summary>Sends an op made by <see cref="CreateTracked"/>.</summary>
    public void Send(PendingOp pending) => Route(pending);

    /// <summary>Completes at once when connected (no state machine on the hot path); connects otherwise.</summary>
    public ValueTask EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _connection.IsConnected ? ValueTask.CompletedTask : new ValueTask(_connection.ConnectAsync(cancellationToken));
    }

    /// <summary>The partition of an encoded key.</summary>
    public int PartitionOf(byte[] key) => PartitionHasher.GetPartition(key, _options.PartitionCount);

    private async Task<GridResult> ConnectThenSubmitAsync(GridOp op, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await _connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await Submit(op, timeout, cancellationToken).ConfigureAwait(false);
    }

    private Task<GridResult> Submit(GridOp op, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        int partition = PartitionOf(op.Key);
        if (!_options.Batching)
        {
            return _unbatched.SendAsync(op, partition, timeout ?? _options.OperationTimeout);
        }

        long deadline = DeadlineAfter(timeout);
        return TryReserve(op, out long requestId)
            ? Enqueue(op, partition, deadline, requestId).Task
            : EnqueueWhenRoomAsync(op, partition, deadline, cancellationToken);
    }

    /// <summary>A write that found the client's write window full: waits for room within its deadline, then leaves.</summary>
    private async Task<GridResult> EnqueueWhenRoomAsync(GridOp op, int partition, long deadline, CancellationToken cancellationToken) =>
        await (await EnqueueWhenRoomCoreAsync(op, partition, deadline, cancellationToken).ConfigureAwait(false)).Task.ConfigureAwait(false);

    private async Task<PendingOp> EnqueueWhenRoomCoreAsync(GridOp op, int partition, long deadline, CancellationToken cancellationToken) =>
        Enqueue(op, partition, deadline, await _requests.ReserveAsync(1, deadline, cancellationToken).ConfigureAwait(false));

    /// <summary>Takes a write's request id (true with 0 for a read, which has none); false when the write window is full.</summary>
    private bool TryReserve(GridOp op, out long requestId)
    {
        if (CallFailures.IsReadOnly(op.Code))
        {
            requestId = 0;
            return true;
        }

        return _requests.TryReserve(1, out requestId);
    }

    /// <summary>The deadline (<see cref="Environment.TickCount64"/> ms) of an operation starting now.</summary>
    private long DeadlineAfter(TimeSpan? timeout) =>
        Environment.TickCount64 + (long)(timeout ?? _options.OperationTimeout).TotalMilliseconds;

    /// <summary>
    /// Queues one op on its silo's channel (batching on); with no silo known yet it waits for one within its deadline. A
    /// write takes its request id here unless it was reserved (<paramref name="requestId"/> ≠ 0).
    /// </summary>
    private PendingOp Enqueue(GridOp op, int partition, long deadline, long requestId = 0)
    {
        var pending = new PendingOp(op, partition, deadline, _metrics, _requests, requestId: requestId);
        Route(pending);
        return pending;
    }

    /// <summary>Queues an op on the channel of its partition's silo, or has the router send it once one is known.</summary>
    private void Route(PendingOp pending)
    {
        var channel = (pending.Op.Flags & OpFlags.ReplicaRead) != 0
            ? _router.Table.ReplicaFor(pending.Partition) ?? ChannelFor(pending.Partition)
            : ChannelFor(pending.Partition);
        if (channel is not null)
        {
            pending.Channel = channel;
            channel.Enqueue(pending);
        }
        else
        {
            _router.SendWhenRouted(pending);
        }
    }

    /// <summary>
    /// Takes the request ids of the writes among <paramref name="ops"/>, consecutive, and returns the first (0 when there
    /// are none); waits for room in the client's write window within <paramref name="deadline"/> when it is full.
    /// </summary>
    private ValueTask<long> ReserveManyAsync(GridOp[] ops, long deadline, CancellationToken cancellationToken)
    {
        int writes = 0;
        foreach (var op in ops)
        {
            if (!CallFailures.IsReadOnly(op.Code))
            {
                writes++;
            }
        }

        return writes == 0 ? new(0L) : _requests.ReserveAsync(writes, deadline, cancellationToken);
    }

    /// <summary>
    /// Queues ops on their silos' channels, all of one silo at once (so they leave in as few batches as possible). The
    /// writes among them take consecutive ids from <paramref name="firstId"/>, reserved by <see cref="ReserveManyAsync"/>.
    /// </summary>
    private PendingOp[] EnqueueMany(GridOp[] ops, long deadline, OpGroup group, long firstId)
    {
        var all = new PendingOp[ops.Length];
        var perSilo = new Dictionary<SiloChannel, List<PendingOp>>();
        List<PendingOp>? unrouted = null;
        long nextId = firstId;
        for (int i = 0; i < ops.Length; i++)
        {
            int partition = PartitionOf(ops[i].Key);
            long requestId = nextId != 0 && !CallFailures.IsReadOnly(ops[i].Code) ? nextId++ : 0;
            var pending = new PendingOp(ops[i], partition, deadline, _metrics, _requests, group, requestId);
            all[i] = pending;
            if (ChannelFor(partition) is not { } channel)
            {
                (unrouted ??= []).Add(pending);
                continue;
            }

            pending.Channel = channel;
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(perSilo, channel, out _);
            (list ??= []).Add(pending);
        }

        foreach (var (channel, pending) in perSilo)
        {
            channel.EnqueueRange(pending);
        }

        if (unrouted is not null)
        {
            foreach (var pending in unrouted)
            {
                _router.SendWhenRouted(pending);
            }
        }

        return all;
    }

    /// <summary>The channel of the silo believed to hold <paramref name="partition"/>, or null while no silo is known.</summary>
    private SiloChannel? ChannelFor(int partition)
    {
        var byPartition = _router.Table.ByPartition;
        if (byPartition.Length == 0)
        {
            _router.TriggerRefresh();
            return null;
        }

        return byPartition[partition];
    }
}
