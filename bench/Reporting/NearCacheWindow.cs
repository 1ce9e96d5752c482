namespace Grid.Bench.Reporting;

/// <summary>The near cache's counters over one measured window (differences of <c>GetStatistics()</c> at its edges).</summary>
internal sealed record NearCacheWindow
{
    /// <summary>Gets answered by the near cache.</summary>
    public long Hits { get; init; }

    /// <summary>Gets that looked in the near cache and went on to the grid.</summary>
    public long Misses { get; init; }

    /// <summary>Gets that did not look in the near cache (its hit ratio was below <c>MinHitRatio</c>).</summary>
    public long Bypassed { get; init; }

    /// <summary>Values read from the grid and kept.</summary>
    public long Promotions { get; init; }

    public long InvalidationsReceived { get; init; }

    public long PartitionsDropped { get; init; }

    public long Clears { get; init; }

    /// <summary>Entries held when the window closed.</summary>
    public long EntriesAtEnd { get; init; }

    /// <summary>Value bytes held when the window closed.</summary>
    public long BytesAtEnd { get; init; }

    /// <summary>Bypassed ÷ all gets; null when there were none.</summary>
    public double? BypassRatio => Hits + Misses + Bypassed > 0 ? (double)Bypassed / (Hits + Misses + Bypassed) : null;

    /// <summary>Hits ÷ (hits + misses); null when no get looked.</summary>
    public double? HitRatio => Hits + Misses > 0 ? (double)Hits / (Hits + Misses) : null;
}
