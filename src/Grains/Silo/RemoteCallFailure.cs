using Grid.Protocol;
using Grid.Protocol.Wire;
using Orleans.Runtime;

namespace Grid.Grains.Silo;

/// <summary>Results for the ops of a partition grain call that failed, so the rest of the batch still answers.</summary>
internal static class RemoteCallFailure
{
    /// <summary>
    /// <see cref="ResultStatus.NotHere"/> (the client sends it again) for each op that surely did not run or only reads;
    /// <see cref="ResultStatus.Unavailable"/> for writes that may have run.
    /// </summary>
    public static PartitionBatchResult Results(List<SiloEntryGrain.RemoteOp> ops, Exception error, SiloAddress here)
    {
        bool notRun = CallFailures.ProvesNotRun(error);
        using var output = new FrameBuffer(16 + ops.Count * 64);
        ResultFrame.WriteHeader(output, ops.Count);
        foreach (var op in ops)
        {
            ResultFrame.Write(output, notRun || CallFailures.IsReadOnly(op.Code)
                ? GridResult.OfStatus(ResultStatus.NotHere)
                : GridResult.Failure(ResultStatus.Unavailable, $"Partition {op.Partition} could not be reached and the write may or may not have been applied: {error.Message}"));
        }

        return new PartitionBatchResult(output.ToArray(), here);
    }
}
