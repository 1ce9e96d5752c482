using Grid.Client.Metrics;
using Grid.Protocol;

namespace Grid.Client.Routing;

/// <summary>An operation waiting in a silo channel for its batch, and the caller's completion.</summary>
internal sealed class PendingOp(GridOp op, int partition, ClientOperationMetrics? metrics = null) : TaskCompletionSource<GridResult>(TaskCreationOptions.None)
{
    private readonly long _startTimestamp = metrics is null ? 0 : ClientOperationMetrics.Start();

    public GridOp Op { get; } = op;

    public int Partition { get; } = partition;

    /// <summary>The silo channel the op was queued on (null on the direct, unbatched path).</summary>
    public SiloChannel? Channel { get; set; }
    /// <summary>When the op was first sent (<see cref="Environment.TickCount64"/>), to bound its retries.</summary>
    public long StartedAt { get; } = Environment.TickCount64;

    /// <summary>How many times the op was sent again after a failure that proved it had not run.</summary>
    public int Retries { get; set; }

    /// <summary>About how many bytes the op takes in a request frame.</summary>
    public int EstimatedBytes => 8 + Op.Key.Length + (Op.Value?.Length ?? 0);

    /// <summary>Hands the caller its result, counted in the client's metrics first (the caller's continuation runs inline).</summary>
    public void Complete(GridResult result)
    {
        if (!Task.IsCompleted)
        {
            metrics?.Completed(Op.Code, ClientOperationMetrics.IsOk(result.Status), _startTimestamp);
            TrySetResult(result);
        }
    }

    /// <summary>Fails the caller's operation, counted in the client's metrics first.</summary>
    public void Fail(Exception error)
    {
        if (!Task.IsCompleted)
        {
            metrics?.Completed(Op.Code, ok: false, _startTimestamp);
            TrySetException(error);
        }
    }
}
