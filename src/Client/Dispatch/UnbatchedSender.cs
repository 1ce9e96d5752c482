using Grid.Client.Metrics;
using Grid.Client.Routing;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Client.Dispatch;

/// <summary>
/// The unbatched path (<see cref="GridClientOptions.Batching"/> off): one partition grain call per operation, bounded by
/// its deadline; a write carries a request id like a batched one. Also sends several ops of one partition that must run
/// in their order as one call (<see cref="SendInOrderAsync"/>).
/// </summary>
internal sealed class UnbatchedSender(IClusterClient client, RequestSequencer requests, ClientOperationMetrics metrics, GridLimits limits)
{
    /// <summary>
    /// Sends <paramref name="ops"/>, all of <paramref name="partition"/>, to its grain as one frame, so they run in the
    /// given order (the partition grain runs a frame's ops one after the other). Ops answered
    /// <see cref="ResultStatus.NotHere"/> (the activation was closing: nothing ran, and nothing after the first of them
    /// did either) go again, in order, until the deadline; writes carry request ids, so a repeat never applies twice.
    /// More ops than one call may carry (<see cref="GridLimits.MaxKeysPerCall"/>, <see cref="GridLimits.MaxRequestBytes"/>)
    /// go as several calls, one after the other.
    /// </summary>
    public async Task<GridResult[]> SendInOrderAsync(GridOp[] ops, int partition, TimeSpan timeout)
    {
        long started = metrics.Start();
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        int writes = 0;
        foreach (var op in ops)
        {
            writes += CallFailures.IsReadOnly(op.Code) ? 0 : 1;
        }

        // All ids at once, or none (a full window waits for room within the deadline): an id taken and never completed
        // would stop the client's low mark for good.
        long nextId = writes == 0 ? 0 : await requests.ReserveAsync(writes, deadline).ConfigureAwait(false);
        for (int i = 0; i < ops.Length; i++)
        {
            if (!CallFailures.IsReadOnly(ops[i].Code))
            {
                ops[i].RequestId = nextId++;
            }
        }

        var results = new GridResult[ops.Length];
        int done = 0;
        try
        {
            while (done < ops.Length)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    throw new TimeoutException();
                }

                var frame = EncodeWithinLimits(ops.AsSpan(done));
                var answer = await client.GetGrain<IPartitionGrain>(partition).Execute(frame).WaitAsync(TimeSpan.FromMilliseconds(left)).ConfigureAwait(false);
                var answered = ResultFrame.Decode(answer.ResultFrame);
                for (int k = 0; k < answered.Length && answered[k].Status != ResultStatus.NotHere; k++)
                {
                    results[done++] = answered[k];
                }
            }

            for (int i = 0; i < ops.Length; i++)
            {
                metrics.Completed(ops[i].Code, ClientOperationMetrics.IsOk(results[i].Status), started);
            }

            return results;
        }
        catch (Exception ex) when (ex is not (GridException or ArgumentException))
        {
            for (int i = done; i < ops.Length; i++)
            {
                metrics.Completed(ops[i].Code, ok: false, started);
            }

            if (ex is TimeoutException)
            {
                throw new GridTimeoutException($"{ops.Length - done} of {ops.Length} ordered grid operations did not complete within {timeout} (GridClientOptions.OperationTimeout). Writes among them may or may not have been applied.", ex);
            }

            throw new GridUnavailableException($"The call to partition {partition} failed: {ex.Message}", ex);
        }
        finally
        {
            for (int i = 0; i < ops.Length; i++)
            {
                if (!CallFailures.IsReadOnly(ops[i].Code))
                {
                    requests.Completed(ops[i].RequestId);
                }
            }
        }
    }

    /// <summary>The longest prefix of <paramref name="ops"/> (at least one op) whose frame is within the call limits, encoded.</summary>
    private byte[] EncodeWithinLimits(ReadOnlySpan<GridOp> ops)
    {
        int count = Math.Min(ops.Length, limits.MaxKeysPerCall);
        var frame = OpFrame.Encode(ops[..count], origin: requests.Origin);
        while (frame.Length > limits.MaxRequestBytes && count > 1)
        {
            count /= 2;
            frame = OpFrame.Encode(ops[..count], origin: requests.Origin);
        }

        return frame;
    }

    /// <summary>Sends <paramref name="op"/> to <paramref name="partition"/>'s grain and maps failures to the documented exceptions.</summary>
    public async Task<GridResult> SendAsync(GridOp op, int partition, TimeSpan timeout)
    {
        long started = metrics.Start();
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        bool identified = !CallFailures.IsReadOnly(op.Code);
        if (identified)
        {
            op.RequestId = await requests.ReserveAsync(1, deadline).ConfigureAwait(false);
        }

        try
        {
            var left = TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64));
            var answer = await client.GetGrain<IPartitionGrain>(partition).Execute(OpFrame.Encode([op], origin: requests.Origin)).WaitAsync(left).ConfigureAwait(false);
            var result = ResultFrame.Decode(answer.ResultFrame)[0];
            metrics.Completed(op.Code, ClientOperationMetrics.IsOk(result.Status), started);
            return result;
        }
        catch (Exception ex) when (ex is not (GridException or ArgumentException))
        {
            metrics.Completed(op.Code, ok: false, started);
            if (ex is TimeoutException)
            {
                throw new GridTimeoutException($"The grid operation ({op.Code}) did not complete within {timeout} (GridClientOptions.OperationTimeout or the call's own). " +
                    (CallFailures.IsReadOnly(op.Code) ? "Nothing was changed." : "The write may or may not have been applied."), ex);
            }

            throw new GridUnavailableException($"The call to partition {partition} failed: {ex.Message}", ex);
        }
        finally
        {
            if (identified)
            {
                requests.Completed(op.RequestId);
            }
        }
    }
}
