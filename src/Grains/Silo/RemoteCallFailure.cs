using Grid.Protocol;
using Grid.Protocol.Wire;
using Orleans.Runtime;

namespace Grid.Grains.Silo;

/// <summary>Results for the ops of a partition grain call that failed, so the rest of the batch still answers.</summary>
internal static class RemoteCallFailure
{
    /// <summary>
    /// <see cref="ResultStatus.NotHere"/> (the client sends it again) for each op that surely did not run, only reads, or
    /// carries a request id (the partition, or its replica, remembers it and does not apply it twice);
    /// <see cref="ResultStatus.Unavailable"/> for other writes that may have run.
    /// </summary>
    public static PartitionBatchResult Results(List<SiloEntryGrain.RemoteOp> ops, Exception error, SiloAddress here)
    {
        bool notRun = CallFailures.ProvesNotRun(error);
        using var output = new FrameBuffer(16 + ops.Count * 64);
        ResultFrame.WriteHeader(output, ops.Count);
        foreach (var op in ops)
        {
            ResultFrame.Write(output, notRun || op.HasRequestId || CallFailures.IsReadOnly(op.Code)
                ? GridResult.OfStatus(ResultStatus.NotHere)
                : GridResult.Failure(ResultStatus.Unavailable, $"Partition {op.Partition} could not be reached and the write may or may not have been applied: {error.Message}"));
        }

        return new PartitionBatchResult(output.ToArray(), here);
    }
}
