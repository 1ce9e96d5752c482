using Grid.Protocol;
using Microsoft.Extensions.Logging;

namespace Grid.Client.Routing;

/// <summary>
/// The client's retry rule. An operation is sent again, to wherever its partition lives by then, when its failure
/// proves it did not run (the silo answered <c>NotHere</c> for it, or Orleans rejected the call before delivering it),
/// or when it only reads. A write whose call may have run (a timeout, a silo that died while the call was out) is never
/// sent again: its caller gets a <see cref="GridUnavailableException"/>. Retries back off from 10 ms to 500 ms and stop
/// at <see cref="GridClientOptions.ResponseTimeout"/> after the first send.
/// </summary>
internal sealed partial class PartitionRouter
{
    private volatile bool _disposed;

    public bool TryRetry(PendingOp op, bool notRun)
    {
        if (_disposed || (!notRun && !CallFailures.IsReadOnly(op.Op.Code)))
        {
            return false;
        }

        if (Environment.TickCount64 - op.StartedAt > (long)_options.ResponseTimeout.TotalMilliseconds)
        {
            return false;
        }

        op.Retries++;
        TriggerRefresh();
        _ = ResendAsync(op);
        return true;
    }

    private async Task ResendAsync(PendingOp op)
    {
        while (true)
        {
            await Task.Delay(Math.Min(500, 10 << Math.Min(op.Retries, 6))).ConfigureAwait(false);
            if (_disposed)
            {
                op.Fail(new GridUnavailableException("The Grid client was disposed; the operation did not run."));
                return;
            }

            var byPartition = Table.ByPartition;
            if (byPartition.Length > 0)
            {
                LogRetry(_logger, op.Partition, op.Retries);
                byPartition[op.Partition].Enqueue(op);
                return;
            }

            if (Environment.TickCount64 - op.StartedAt > (long)_options.ResponseTimeout.TotalMilliseconds)
            {
                op.Fail(new GridUnavailableException("No active silo is known; the operation did not run."));
                return;
            }

            op.Retries++;
            TriggerRefresh();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Grid op of partition {Partition} sent again (retry {Retry})")]
    private static partial void LogRetry(ILogger logger, int partition, int retry);
}
