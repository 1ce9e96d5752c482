namespace Grid.Protocol;

/// <summary>
/// The batch entry of one silo. Its key is <c>{silo address}#{shard}</c> and a placement director puts it on that silo.
/// Clients send it batches of single operations; it runs each directly on the silo's own partition stores and falls back
/// to partition grain calls for partitions that are not live on the silo.
/// </summary>
[Alias("grid.ISiloEntryGrain")]
public interface ISiloEntryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs a batch of operations (any keys, any partitions) given as a request frame (see <c>OpFrame</c>); the result
    /// frame holds their results in the same order.
    /// </summary>
    [Alias("Execute")]
    Task<SiloBatchResult> Execute(byte[] requestFrame);

    /// <summary>The cluster's fixed settings, which a client checks at connect.</summary>
    [Alias("GetClusterInfo")]
    Task<GridClusterInfo> GetClusterInfo();

    /// <summary>This silo's counters.</summary>
    [Alias("GetStatistics")]
    Task<GridSiloStatistics> GetStatistics();

    /// <summary>
    /// This silo's hottest keys by reads plus writes (at most <paramref name="top"/>, 1 to 1,024; none when the silo's
    /// hot-key tracker is off).
    /// </summary>
    [Alias("GetHotKeys")]
    Task<GridHotKey[]> GetHotKeys(int top);

    /// <summary>This silo's analytics: counters, the recent and hourly series, and its tag index shards.</summary>
    [Alias("GetAnalytics")]
    Task<GridSiloAnalytics> GetAnalytics();

    /// <summary>
    /// Diagnostics only (benchmarks): runs a full compacting garbage collection on the silo and returns its statistics
    /// after it. Refused unless the silo enables <c>Grid:EnableDiagnostics</c>.
    /// </summary>
    [Alias("CollectGarbage")]
    Task<GridSiloStatistics> CollectGarbage();

    /// <summary>
    /// The cluster's rebalance: every active silo's progress (asked through the silos' agents), their sum, and the
    /// settings in force on this silo.
    /// </summary>
    [Alias("GetRebalanceStatus")]
    Task<GridRebalanceStatus> GetRebalanceStatus();

    /// <summary>
    /// Changes how partitions move (pause, resume, concurrent moves, bytes per second) on every active silo, without
    /// restarting any; returns the settings now in force. A value out of range fails the call with an
    /// <see cref="ArgumentException"/> and changes nothing.
    /// </summary>
    [Alias("ChangeRebalance")]
    Task<GridRebalanceSettings> ChangeRebalance(GridRebalanceChange change);
}

/// <summary>The result frame of a silo batch, plus where partitions that were not on the silo actually live.</summary>
[GenerateSerializer, Immutable, Alias("grid.SiloBatchResult")]
public sealed record SiloBatchResult(
    [property: Id(0)] byte[] ResultFrame,
    [property: Id(1)] PartitionLocation[]? Moved);

/// <summary>A partition and the silo that holds it.</summary>
[GenerateSerializer, Immutable, Alias("grid.PartitionLocation")]
public readonly record struct PartitionLocation([property: Id(0)] int Partition, [property: Id(1)] SiloAddress Silo);
