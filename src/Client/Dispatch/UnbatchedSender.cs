using Grid.Client.Metrics;
using Grid.Client.Routing;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Client.Dispatch;

/// <summary>
/// The unbatched path (<see cref="GridClientOptions.Batching"/> off): one partition grain call per operation, bounded by
/// its deadline; a write carries a request id like a batched one.
/// </summary>
internal sealed class UnbatchedSender(IClusterClient client, RequestSequencer requests, ClientOperationMetrics metrics)
{
    /// <summary>Sends <paramref name="op"/> to <paramref name="partition"/>'s grain and maps failures to the documented exceptions.</summary>
    public async Task<GridResult> SendAsync(GridOp op, int partition, TimeSpan timeout)
    {
        long started = metrics.Start();
        bool identified = !CallFailures.IsReadOnly(op.Code);
        if (identified)
        {
            op.RequestId = requests.Next();
        }

        try
        {
            var answer = await client.GetGrain<IPartitionGrain>(partition).Execute(OpFrame.Encode([op], origin: requests.Origin)).WaitAsync(timeout).ConfigureAwait(false);
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
