using Grid.Protocol;

namespace Grid.Client.Routing;

/// <summary>
/// Keeps one client's operations on a partition in the order it issued them while some of them go again: their batch
/// call failed or was abandoned, the silo answered that the partition was not live there, their silo left before they
/// were sent, or the routing moved their partition while they were out. Such an operation is <em>fenced</em> from then
/// until it ends (answered or failed). While a partition has fenced operations, an operation of it leaves only when no
/// older fenced operation of it conflicts (a write, or any operation before a write); the others wait in their lane's
/// queue (<see cref="EntryLane"/>). Without this, a write held behind a failed batch left as soon as the batch was
/// given up, and the failed batch's write, sent again after its back-off, overwrote it: an acknowledged write lost for
/// a caller that issued the second write before awaiting the first.
/// </summary>
/// <remarks>
/// Fenced operations are kept in the order they are fenced, which is the order they were issued: a lane fences the
/// operations of its calls still out before those of its queue, a batch's in the batch's order, and no operation of a
/// partition is out unfenced while an older one of it is fenced (it would have waited for it). The hot path reads one
/// volatile field (<see cref="IsActive"/>) per operation drained; the rest runs only while some operation goes again,
/// under one lock. When a fenced operation ends that others may have waited for, <c>released</c> runs from a thread-pool
/// work item (an operation may end under a lane's lock), and the lanes drain what waited.
/// </remarks>
internal sealed class ResendFence
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<PendingOp>> _fenced = [];
    private readonly Action _released;
    private int _partitions;

    /// <param name="released">Runs from a work item once an operation others may wait for ended: the lanes drain again.</param>
    public ResendFence(Action released) => _released = released;

    /// <summary>True while any partition has fenced operations.</summary>
    public bool IsActive => Volatile.Read(ref _partitions) != 0;

    /// <summary>Fenced operations now (tests).</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                int count = 0;
                foreach (var ops in _fenced.Values)
                {
                    count += ops.Count;
                }

                return count;
            }
        }
    }

    /// <summary>Fences <paramref name="op"/> until it ends; an operation already fenced keeps its place.</summary>
    public void Enter(PendingOp op)
    {
        lock (_gate)
        {
            if (op.Fence is not null || op.IsEnded)
            {
                return;
            }

            if (!_fenced.TryGetValue(op.Partition, out var ops))
            {
                _fenced[op.Partition] = ops = [];
                Volatile.Write(ref _partitions, _fenced.Count);
            }

            ops.Add(op);
            op.Fence = this;
        }

        if (op.IsEnded)
        {
            // It ended as it was being fenced (at its deadline, say), after its own end looked for a fence.
            Exit(op);
        }
    }

    /// <summary>
    /// Whether <paramref name="op"/> must wait for an older fenced operation of its partition: one that writes, or any
    /// when it writes itself. An operation that is not fenced counts as the newest.
    /// </summary>
    public bool MustWait(PendingOp op)
    {
        bool writes = !CallFailures.IsReadOnly(op.Op.Code);
        lock (_gate)
        {
            if (!_fenced.TryGetValue(op.Partition, out var ops))
            {
                return false;
            }

            foreach (var older in ops)
            {
                if (ReferenceEquals(older, op))
                {
                    return false;
                }

                if (writes || !CallFailures.IsReadOnly(older.Op.Code))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>A fenced operation ended (<see cref="PendingOp"/> calls this once): operations behind it may leave.</summary>
    public void Exit(PendingOp op)
    {
        lock (_gate)
        {
            if (!_fenced.TryGetValue(op.Partition, out var ops) || !ops.Remove(op))
            {
                return;
            }

            if (ops.Count == 0)
            {
                _fenced.Remove(op.Partition);
                Volatile.Write(ref _partitions, _fenced.Count);
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static release => release(), _released, preferLocal: false);
    }
}
