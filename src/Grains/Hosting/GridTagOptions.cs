using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>Settings of the tag index and of invalidations (section <c>Grid:Tags</c>).</summary>
public sealed class GridTagOptions
{
    /// <summary>
    /// Shards of each tag's index: a tag's keys spread over this many grains by a hash of the key, so a tag on millions
    /// of keys is indexed and invalidated in parallel. The same on every silo. Default 8.
    /// </summary>
    [SettingRange(1, 1024)]
    public int IndexShards { get; set; } = 8;

    /// <summary>
    /// Tag buckets: tags are spread over this many groups by a hash of the tag, and each (bucket, shard) pair is one index
    /// grain, so millions of small tags cost a bounded number of grains. The same on every silo. Default 64.
    /// </summary>
    [SettingRange(1, 65_536)]
    public int IndexBuckets { get; set; } = 64;

    /// <summary>Tag-checked removals an index shard sends a silo in one batch. Default 1,000.</summary>
    [SettingRange(1, 10_000)]
    public int RemovalBatchSize { get; set; } = 1000;

    /// <summary>Removal batches one index shard keeps in flight while it invalidates. Default 2.</summary>
    [SettingRange(1, 64)]
    public int RemovalConcurrency { get; set; } = 2;

    /// <summary>Entries a pattern scan examines per store lock hold (the longest it keeps a partition from other work). Default 1,000.</summary>
    [SettingRange(16, 100_000)]
    public int ScanBatchSize { get; set; } = 1000;

    /// <summary>Index updates (tag/key additions and removals) a silo sends one index shard per call. Default 4,096.</summary>
    [SettingRange(1, 100_000)]
    public int UpdateBatchSize { get; set; } = 4096;

    /// <summary>How long a tag invalidation waits for the silos to deliver their pending index updates. Default 30 s.</summary>
    [SettingRange("00:00:00.100", "00:10:00", Rule = "must be between 100 ms and 10 minutes")]
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an index shard that activates without its sets (its silo crashed) may take to rebuild them from the
    /// entries on every silo; past it the activation fails and the caller retries. It must stay below Orleans' activation
    /// timeout (30 s). Default 20 s; a rebuild over 100,000 tagged entries takes well under a second.
    /// </summary>
    [SettingRange("00:00:01", "00:00:25", Rule = "must be between 1 and 25 seconds (below Orleans' 30-second activation timeout)")]
    public TimeSpan RebuildTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
