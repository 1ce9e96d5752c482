namespace Grid;

/// <summary>The cluster's rebalance: each active silo's progress, their sum, and the settings in force.</summary>
[GenerateSerializer, Immutable, Alias("grid.RebalanceStatus")]
public sealed record GridRebalanceStatus
{
    /// <summary>Each active silo's progress, ordered by address (a silo that did not answer carries its error).</summary>
    [Id(0)] public GridRebalanceProgress[] Silos { get; init; } = [];

    /// <summary>The sum over the silos; its rate is the sum of theirs and its estimate the longest of theirs.</summary>
    [Id(1)] public GridRebalanceProgress Total { get; init; } = new() { Silo = "total" };

    /// <summary>The settings in force on the silo that answered (every silo's, once a change has reached them all).</summary>
    [Id(2)] public GridRebalanceSettings Settings { get; init; } = new();

    /// <summary>When the status was taken, Unix time in milliseconds.</summary>
    [Id(3)] public long CapturedAtUnixMs { get; init; }
}
