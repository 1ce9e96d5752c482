namespace Grid.Client;

/// <summary>What one client's cache did since it started, per level.</summary>
public sealed record GridClientStatistics
{
    /// <summary>Reads answered by the near cache.</summary>
    public long NearCacheHits { get; init; }

    /// <summary>Reads that looked in the near cache and went on to the grid.</summary>
    public long NearCacheMisses { get; init; }

    /// <summary>Reads that did not look in the near cache because its hit ratio was below <see cref="NearCacheOptions.MinHitRatio"/>.</summary>
    public long NearCacheBypassed { get; init; }

    /// <summary>Reads the grid answered with a value.</summary>
    public long GridHits { get; init; }

    /// <summary>Reads the grid answered with nothing.</summary>
    public long GridMisses { get; init; }

    /// <summary>Values read from the grid and kept in the near cache.</summary>
    public long Promotions { get; init; }

    /// <summary>Invalidations received from silos (keys and partitions).</summary>
    public long InvalidationsReceived { get; init; }

    /// <summary>Times a whole partition was dropped from the near cache (a lost invalidation, a moved partition, a restarted silo).</summary>
    public long PartitionsDropped { get; init; }

    /// <summary>Times the whole near cache was cleared (connection to the cluster lost).</summary>
    public long Clears { get; init; }

    /// <summary>Entries in the near cache now (some may be stale and not yet collected).</summary>
    public long NearCacheEntries { get; init; }

    /// <summary>Value bytes in the near cache now.</summary>
    public long NearCacheBytes { get; init; }

    /// <summary>Near-cache hit ratio over all reads that used it (0 when none).</summary>
    public double NearCacheHitRatio => NearCacheHits + NearCacheMisses == 0 ? 0 : (double)NearCacheHits / (NearCacheHits + NearCacheMisses);
}
