using Orleans.Runtime;
using System.Collections.Concurrent;
using Grid.Client.Routing;
using Grid.Protocol;

namespace Grid.Client.Tests.Fakes;

/// <summary>A channel's router as a recorder: what it was asked to send again, which calls failed, what moved.</summary>
internal sealed class FakeBatchListener : IBatchListener
{
    public int MaxOpsPerCall { get; set; } = int.MaxValue;

    public int DataPlaneShards { get; set; } = 1;

    /// <summary>A real fence; what it releases runs <see cref="OnFenceReleased"/> (a test points it at its channel's <c>Kick</c>).</summary>
    public FakeBatchListener() => Fence = new ResendFence(() => OnFenceReleased?.Invoke());

    public ResendFence Fence { get; }

    public Action? OnFenceReleased { get; set; }

    /// <summary>Every <see cref="Resend"/>, in order.</summary>
    public ConcurrentQueue<ResendRequest> Resent { get; } = new();

    /// <summary>Every failed batch call's error.</summary>
    public ConcurrentQueue<Exception> BatchFailures { get; } = new();

    /// <summary>Every "partitions live elsewhere" report.</summary>
    public ConcurrentQueue<PartitionLocation[]> Moves { get; } = new();

    public void OnBatchFailed(SiloChannel channel, Exception error) => BatchFailures.Enqueue(error);

    public void OnPartitionsMoved(PartitionLocation[] moved) => Moves.Enqueue(moved);

    public ConcurrentQueue<SiloAddress> Stalls { get; } = new();

    /// <summary>For each stall, whether the delivering thread was found waiting (a blocking caller) rather than running.</summary>
    public ConcurrentQueue<bool> StallsBlocked { get; } = new();

    public void OnDeliveryStalled(SiloAddress silo, long stalledMs, long pauseMs, bool blocked)
    {
        Stalls.Enqueue(silo);
        StallsBlocked.Enqueue(blocked);
    }

    /// <summary>Records the op and fences it, as the router does.</summary>
    public void Resend(PendingOp op, bool notRun, Exception reason)
    {
        Fence.Enter(op);
        Resent.Enqueue(new ResendRequest(op, notRun, reason));
    }
}

/// <summary>One operation a channel handed back to its router.</summary>
internal sealed record ResendRequest(PendingOp Op, bool NotRun, Exception Reason);
