namespace Grid;

/// <summary>
/// The progress of a rebalance on one silo (the partitions it holds that belong to another silo, moved there a few at a
/// time), or the sum over the cluster (<see cref="Silo"/> is <c>total</c>). A silo's current rebalance starts when a
/// balancing pass finds partitions to move after the previous rebalance had moved everything it found; a later pass
/// that finds partitions left over (a failed move, a change of membership) adds to it, so its percentage never goes
/// backwards because of a retry.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.RebalanceProgress")]
public sealed record GridRebalanceProgress
{
    /// <summary>The silo's address, or <c>total</c>.</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>Partitions the current rebalance moves (moved so far plus those still to move).</summary>
    [Id(1)] public int PartitionsToMove { get; init; }

    /// <summary>Partitions of the current rebalance that arrived on their new silo.</summary>
    [Id(2)] public int PartitionsMoved { get; init; }

    /// <summary>Bytes (as accounted by the partitions' stores when the pass read them) the current rebalance moves.</summary>
    [Id(3)] public long BytesToMove { get; init; }

    /// <summary>Bytes of the partitions moved so far, each read just before its move.</summary>
    [Id(4)] public long BytesMoved { get; init; }

    /// <summary>Partitions moving now.</summary>
    [Id(5)] public int InFlight { get; init; }

    /// <summary>When the current rebalance started, Unix time in milliseconds; 0 when this silo never had anything to move.</summary>
    [Id(6)] public long StartedAtUnixMs { get; init; }

    /// <summary>When it ended (nothing left to move), Unix time in milliseconds; 0 while it runs or never ran.</summary>
    [Id(7)] public long FinishedAtUnixMs { get; init; }

    /// <summary>Bytes moved per second of unpaused time since the rebalance started.</summary>
    [Id(8)] public double BytesPerSecond { get; init; }

    /// <summary>Partitions moved per second of unpaused time since the rebalance started.</summary>
    [Id(9)] public double PartitionsPerSecond { get; init; }

    /// <summary>
    /// Seconds left at the current rate (by bytes when the partitions have bytes, else by partitions); 0 when nothing is
    /// left; null when unknown (paused, or nothing moved yet).
    /// </summary>
    [Id(10)] public double? EstimatedSecondsLeft { get; init; }

    /// <summary>Partitions this silo moved away since it started, over every rebalance.</summary>
    [Id(11)] public long TotalPartitionsMoved { get; init; }

    /// <summary>Bytes of the partitions this silo moved away since it started.</summary>
    [Id(12)] public long TotalBytesMoved { get; init; }

    /// <summary>Why the silo's progress is missing (it did not answer), or null.</summary>
    [Id(13)] public string? Error { get; init; }

    /// <summary>Partitions still to move.</summary>
    public int PartitionsPending => Math.Max(0, PartitionsToMove - PartitionsMoved);

    /// <summary>Percent of the current rebalance's partitions moved: 100 when there is nothing to move.</summary>
    public double Percent => PartitionsToMove <= 0 ? 100 : Math.Min(100, 100.0 * PartitionsMoved / PartitionsToMove);

    /// <summary>Percent of the current rebalance's bytes moved: 100 when there are none to move.</summary>
    public double BytesPercent => BytesToMove <= 0 ? 100 : Math.Min(100, 100.0 * BytesMoved / BytesToMove);
}
