namespace Grid;

/// <summary>A change to the cluster's <see cref="GridRebalanceSettings"/>: each value given replaces the one in force, the others stay.</summary>
[GenerateSerializer, Immutable, Alias("grid.RebalanceChange")]
public sealed record GridRebalanceChange
{
    /// <summary>Pause (true) or resume (false) partition moves; null: unchanged.</summary>
    [Id(0)] public bool? Paused { get; init; }

    /// <summary>Partitions one silo moves at the same time (1 to 256); null: unchanged.</summary>
    [Id(1)] public int? MaxConcurrentMoves { get; init; }

    /// <summary>Bytes per second one silo may move (0: no limit); null: unchanged.</summary>
    [Id(2)] public long? BytesPerSecond { get; init; }
}
