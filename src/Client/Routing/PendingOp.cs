using System.Diagnostics;
using Grid.Client.Metrics;
using Grid.Protocol;
using Grid.Tracing;

namespace Grid.Client.Routing;

/// <summary>
/// An operation on its way to the grid, and its caller's completion. The caller's continuation never runs on the
/// client's send/receive path (<see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>): a caller that blocks
/// after awaiting the grid (sync-over-async) only blocks its own thread, never a batch. Completing an operation nobody
/// awaits yet costs no thread hop.
/// </summary>
internal sealed class PendingOp : TaskCompletionSource<GridResult>
{
    private readonly ClientOperationMetrics? _metrics;
    private readonly RequestSequencer? _requests;
    private readonly long _startTimestamp;

    /// <summary>
    /// Creates the op. A write gets a request id from <paramref name="requests"/> (when given), so it may be sent again
    /// after any failure: the partition answers a repeat from memory instead of applying it twice.
    /// </summary>
    /// <param name="op">The operation.</param>
    /// <param name="partition">Its partition.</param>
    /// <param name="deadline">When it must have ended (<see cref="Environment.TickCount64"/> ms).</param>
    /// <param name="metrics">Counted here when given.</param>
    /// <param name="requests">Numbers writes when given.</param>
    /// <param name="group">The multi-key call it belongs to, told once it completes (null: a call of its own).</param>
    public PendingOp(GridOp op, int partition, long deadline, ClientOperationMetrics? metrics = null, RequestSequencer? requests = null, OpGroup? group = null)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Group = group;
        Op = op;
        Partition = partition;
        Deadline = deadline;
        CreatedAt = Environment.TickCount64;

        // The caller's span, so the batch that carries the op joins the caller's trace (only read while someone listens).
        Caller = GridActivities.IsTracing ? Activity.Current : null;
        _metrics = metrics;
        _startTimestamp = metrics?.Start() ?? 0;
        if (requests is not null && !CallFailures.IsReadOnly(op.Code))
        {
            op.RequestId = requests.Next();
            _requests = requests;
        }
    }

    /// <summary>The caller's current span when the op was created while Grid's spans are listened to; otherwise null.</summary>
    public Activity? Caller { get; }

    /// <summary>When the op was created (<see cref="Environment.TickCount64"/> ms).</summary>
    public long CreatedAt { get; }

    /// <summary>The multi-key call this op belongs to (told once the op completed), or null.</summary>
    public OpGroup? Group { get; }

    /// <summary>True for a write the silos deduplicate by request id (safe to send again after any failure).</summary>
    public bool IsIdentified => _requests is not null;

    public GridOp Op { get; }

    public int Partition { get; }

    /// <summary>The silo channel the op was last queued on (null on the direct, unbatched path).</summary>
    public SiloChannel? Channel { get; set; }

    /// <summary>When the operation must have ended (<see cref="Environment.TickCount64"/> ms): answered, or failed with a timeout.</summary>
    public long Deadline { get; }

    /// <summary>How many times the op was sent again.</summary>
    public int Retries { get; set; }

    /// <summary>About how many bytes the op takes in a request frame.</summary>
    public int EstimatedBytes => 8 + Op.Key.Length + (Op.Value?.Length ?? 0);

    /// <summary>True once the deadline has passed at <paramref name="now"/>.</summary>
    public bool IsExpired(long now) => now >= Deadline;

    /// <summary>Hands the caller its result, counted in the client's metrics first.</summary>
    public void Complete(GridResult result)
    {
        if (!Task.IsCompleted)
        {
            _metrics?.Completed(Op.Code, ClientOperationMetrics.IsOk(result.Status), _startTimestamp);
            if (TrySetResult(result))
            {
                _requests?.Completed(Op.RequestId);
                Group?.OneCompleted();
            }
        }
    }

    /// <summary>Fails the caller's operation, counted in the client's metrics first.</summary>
    public void Fail(Exception error)
    {
        if (!Task.IsCompleted)
        {
            _metrics?.Completed(Op.Code, ok: false, _startTimestamp);
            if (TrySetException(error))
            {
                _requests?.Completed(Op.RequestId);
                Group?.OneCompleted();
            }
        }
    }
}
