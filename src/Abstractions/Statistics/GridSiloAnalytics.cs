namespace Grid;

/// <summary>
/// One silo's analytics: its current counters, a recent series of 10-second buckets (for charts), an hourly history
/// of the last 24 hours, and the size of the tag index shards it hosts. Every series is oldest first; its last bucket
/// is the one in progress.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.SiloAnalytics")]
public sealed record GridSiloAnalytics
{
    /// <summary>The silo's counters now (entries, bytes, budget, partitions, totals since it started).</summary>
    [Id(0)] public GridSiloStatistics Statistics { get; init; } = new();

    /// <summary>When the silo took this snapshot, Unix time in milliseconds.</summary>
    [Id(1)] public long CapturedAtUnixMs { get; init; }

    /// <summary>When the silo started recording, Unix time in milliseconds.</summary>
    [Id(2)] public long StartedAtUnixMs { get; init; }

    /// <summary>10-second buckets of the last 10 minutes at most.</summary>
    [Id(3)] public GridAnalyticsBucket[] Recent { get; init; } = [];

    /// <summary>Hour buckets (aligned on UTC hours) of the last 24 hours at most.</summary>
    [Id(4)] public GridAnalyticsBucket[] Hourly { get; init; } = [];

    /// <summary>The tag index shards this silo hosts.</summary>
    [Id(5)] public GridTagIndexStatistics TagIndex { get; init; } = new();
}

/// <summary>The size of the tag index shards one silo hosts.</summary>
[GenerateSerializer, Immutable, Alias("grid.TagIndexStatistics")]
public sealed record GridTagIndexStatistics
{
    /// <summary>Index shards (grains) hosted.</summary>
    [Id(0)] public int Shards { get; init; }

    /// <summary>Tags they hold (a tag spread over several shards counts once per shard).</summary>
    [Id(1)] public long Tags { get; init; }

    /// <summary>Tag/key pairs indexed.</summary>
    [Id(2)] public long Keys { get; init; }

    /// <summary>Approximate heap bytes of the index.</summary>
    [Id(3)] public long Bytes { get; init; }

    /// <summary>The largest tags of these shards by keys (at most 10; a tag's keys on other silos' shards are not included).</summary>
    [Id(4)] public GridTagSize[] LargestTags { get; init; } = [];
}

/// <summary>A tag and how many keys carry it.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Keys">Keys indexed under it.</param>
[GenerateSerializer, Immutable, Alias("grid.TagSize")]
public readonly record struct GridTagSize([property: Id(0)] string Tag, [property: Id(1)] long Keys);
