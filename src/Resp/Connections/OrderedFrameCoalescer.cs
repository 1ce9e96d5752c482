using Grid.Protocol;

namespace Grid.Resp.Connections;

/// <summary>
/// Sends groups of one partition's ops that must run in their order (several ops of a key, a write among them, from
/// one connection's pipeline) to the partition's grain, one call per partition at a time: groups that arrive while a
/// call to their partition is out wait for it and then leave together as the next call, each group's ops back to back
/// in its own order. The grain runs a call's ops one after the other and waits for their replication before its next
/// call, so on a hot key (every connection pipelining INCR or LPUSH to one key) one call per group made the grain the
/// bottleneck; merged, a call carries every connection's group and pays the replication wait once. Different
/// connections' groups have no order between them, as across Redis clients.
/// </summary>
internal sealed class OrderedFrameCoalescer(Func<GridOp[], int, Task<GridResult[]>> send)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<Group>> _waiting = [];

    /// <summary>Runs <paramref name="ops"/> (all of <paramref name="partition"/>) in order; completes with their results.</summary>
    public Task<GridResult[]> ExecuteAsync(GridOp[] ops, int partition)
    {
        var group = new Group(ops);
        lock (_gate)
        {
            if (_waiting.TryGetValue(partition, out var waiting))
            {
                // A call to this partition is out: go with the next one.
                waiting.Add(group);
                return group.Done.Task;
            }

            _waiting[partition] = [];
        }

        _ = SendAsync(partition, [group]);
        return group.Done.Task;
    }

    /// <summary>Sends <paramref name="groups"/> as one call, then whatever gathered meanwhile, until nothing waits.</summary>
    private async Task SendAsync(int partition, List<Group> groups)
    {
        while (true)
        {
            await SendOnceAsync(partition, groups).ConfigureAwait(false);
            lock (_gate)
            {
                var waiting = _waiting[partition];
                if (waiting.Count == 0)
                {
                    _waiting.Remove(partition);
                    return;
                }

                groups = waiting;
                _waiting[partition] = [];
            }
        }
    }

    private async Task SendOnceAsync(int partition, List<Group> groups)
    {
        GridOp[] ops;
        if (groups.Count == 1)
        {
            ops = groups[0].Ops;
        }
        else
        {
            int count = 0;
            foreach (var group in groups)
            {
                count += group.Ops.Length;
            }

            ops = new GridOp[count];
            int at = 0;
            foreach (var group in groups)
            {
                group.Ops.CopyTo(ops, at);
                at += group.Ops.Length;
            }
        }

        GridResult[] results;
        try
        {
            results = await send(ops, partition).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Every group of the call gets the call's failure, as it would have on a call of its own.
            foreach (var group in groups)
            {
                group.Done.TrySetException(ex);
            }

            return;
        }

        int from = 0;
        foreach (var group in groups)
        {
            group.Done.TrySetResult(groups.Count == 1 ? results : results[from..(from + group.Ops.Length)]);
            from += group.Ops.Length;
        }
    }

    private sealed class Group(GridOp[] ops)
    {
        public GridOp[] Ops { get; } = ops;

        // The pipelines awaiting these run on the pool, not inside the sender's loop (which goes on to the next call).
        public TaskCompletionSource<GridResult[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
