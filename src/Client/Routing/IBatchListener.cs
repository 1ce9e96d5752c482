using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>What a channel reports to its router.</summary>
internal interface IBatchListener
{
    /// <summary>
    /// Entry activations per silo that take data-plane batches (the cluster's <see cref="GridClusterInfo.DataPlaneShards"/>;
    /// 1 until the client connected): a channel spreads its partitions over that many lanes.
    /// </summary>
    int DataPlaneShards { get; }

    /// <summary>Holds the partitions of operations that go again, so later operations of them keep their order.</summary>
    ResendFence Fence { get; }

    /// <summary>The cluster's bound on operations per request (its MaxKeysPerCall); batches never exceed it.</summary>
    int MaxOpsPerCall { get; }

    /// <summary>A batch call failed (logged; the routing is refreshed).</summary>
    void OnBatchFailed(SiloChannel channel, Exception error);

    /// <summary>
    /// A caller's continuation held the delivery of a batch answered by <paramref name="silo"/> for
    /// <paramref name="stalledMs"/> ms; the lane completes its callers from work items of their own for
    /// <paramref name="pauseMs"/> ms. <paramref name="blocked"/>: the delivering thread was waiting (sync-over-async after
    /// an await of the grid, a warning); otherwise it was running (a slow continuation or a busy machine).
    /// </summary>
    void OnDeliveryStalled(SiloAddress silo, long stalledMs, long pauseMs, bool blocked);

    /// <summary>The silo told where partitions it does not hold live.</summary>
    void OnPartitionsMoved(PartitionLocation[] moved);

    /// <summary>
    /// Sends <paramref name="op"/> again, later, to wherever its partition lives then, when that is safe (it surely did
    /// not run: <paramref name="notRun"/>; it only reads; or the silos deduplicate it) and its deadline allows; otherwise
    /// fails it (<paramref name="reason"/> says why it could not complete).
    /// </summary>
    void Resend(PendingOp op, bool notRun, Exception reason);
}
