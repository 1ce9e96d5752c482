using System.Diagnostics;
using System.Runtime.CompilerServices;
using Grid.Client.Metrics;
using Grid.Protocol;
using Grid.Tracing;

namespace Grid.Client.Routing;

/// <summary>
/// An operation on its way to the grid, and its caller's completion. An operation ends exactly once, in one of two ways:
/// <list type="bullet">
/// <item><see cref="CompleteInBatch"/>: its batch's answer hands every caller its result in turn, callers' continuations
/// running inline on that batch's own completion work item (<see cref="InFlightBatch"/>), so a batch of 64 answers wakes
/// one thread, not 64, and the operations those continuations issue leave together as the next batch. A caller that
/// blocks there holds only the rest of its own batch, which the client's watchdog then hands out
/// (<see cref="EntryLane.RescueStalled"/>).</item>
/// <item><see cref="Complete"/> and <see cref="Fail"/> (every other path: deadlines, failures, resends, refusals): the caller
/// is completed from a thread-pool work item of its own, so no caller's code ever runs on the watchdog's thread, under
/// a lane's lock, or on the code that failed the operation.</item>
/// </list>
/// </summary>
internal sealed class PendingOp : TaskCompletionSource<GridResult>, IThreadPoolWorkItem
{
    private readonly ClientOperationMetrics? _metrics;
    private readonly RequestSequencer? _requests;
    private readonly long _startTimestamp;

    // 0 until the op's end is decided, then 1: whoever sets it delivers the end.
    private int _ended;

    // The end a work item delivers (Complete, Fail): the Exception, or the result boxed. A batch's own delivery hands
    // its result over at once and stores nothing, so the common path keeps no second copy of a GridResult (80 bytes).
    private object? _deferred;

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
    /// <param name="requestId">A write's id taken beforehand from <paramref name="requests"/> (<see cref="RequestSequencer.TryReserve"/>); 0 = take the next one here.</param>
    public PendingOp(GridOp op, int partition, long deadline, ClientOperationMetrics? metrics = null, RequestSequencer? requests = null, OpGroup? group = null, long requestId = 0)
        : base(TaskCreationOptions.None)
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
            op.RequestId = requestId != 0 ? requestId : requests.Next();
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

    /// <summary>The fence holding the op's partition while it goes again (<see cref="ResendFence"/>), or null.</summary>
    public ResendFence? Fence { get; set; }

    /// <summary>How many times the op was sent again.</summary>
    public int Retries { get; set; }

    /// <summary>About how many bytes the op takes in a request frame.</summary>
    public int EstimatedBytes => 8 + Op.Key.Length + (Op.Value?.Length ?? 0);

    /// <summary>True once the deadline has passed at <paramref name="now"/>.</summary>
    public bool IsExpired(long now) => now >= Deadline;

    /// <summary>True once the op's end was decided (its caller is completed, or about to be).</summary>
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Hands the caller its result from a thread-pool work item of its own.</summary>
    public void Complete(GridResult result)
    {
        if (TryEnd(ClientOperationMetrics.IsOk(result.Status)))
        {
            _deferred = new StrongBox<GridResult>(result);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Fails the caller's operation from a thread-pool work item of its own.</summary>
    public void Fail(Exception error)
    {
        if (TryEnd(ok: false))
        {
            _deferred = error;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>
    /// Hands the caller its result on this thread, running the caller's continuation here. Only a batch's delivery calls
    /// this (see <see cref="InFlightBatch"/>), never a path a blocked caller could stall for others.
    /// </summary>
    public void CompleteInBatch(GridResult result)
    {
        if (TryEnd(ClientOperationMetrics.IsOk(result.Status)))
        {
            SetResult(result);
            Group?.OneCompleted();
        }
    }

    void IThreadPoolWorkItem.Execute() => Deliver();

    /// <summary>
    /// Decides the op's end, once: it is counted in the client's metrics and its request id is done (never sent again)
    /// at once, whenever its caller's task completes.
    /// </summary>
    private bool TryEnd(bool ok)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }

        _metrics?.Completed(Op.Code, ok, _startTimestamp);
        _requests?.Completed(Op.RequestId);
        Fence?.Exit(this);
        return true;
    }

    /// <summary>Completes the caller's task with the deferred end, then tells the op's group (which then finds it completed).</summary>
    private void Deliver()
    {
        if (_deferred is Exception error)
        {
            SetException(error);
        }
        else
        {
            SetResult(((StrongBox<GridResult>)_deferred!).Value);
        }

        Group?.OneCompleted();
    }
}
