namespace Grid.Client.Routing;

/// <summary>
/// The operations of one multi-key call (<c>SetManyAsync</c>, a RESP pipeline): completes once every one of them has
/// completed, so the caller wakes once per call. Awaiting each operation's task instead (<c>Task.WhenAll</c>)
/// queued one thread-pool item per operation as it completed (their tasks run continuations asynchronously), which a
/// 1,000-key bulk write paid a thousand times. Like the operations' own tasks, this one never runs the caller's
/// continuation on the client's receive path.
/// </summary>
internal sealed class OpGroup : TaskCompletionSource
{
    private int _remaining;

    /// <summary>A group waiting for <paramref name="count"/> operations (complete at once when there are none).</summary>
    public OpGroup(int count)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _remaining = count;
        if (count == 0)
        {
            TrySetResult();
        }
    }

    /// <summary>One operation of the group completed (called once per operation, by <see cref="PendingOp"/>).</summary>
    public void OneCompleted()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            TrySetResult();
        }
    }
}
