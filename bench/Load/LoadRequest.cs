namespace Grid.Bench.Load;

/// <summary>One cell's workload and timing, for one system.</summary>
internal sealed record LoadRequest
{
    public required KeySpace KeySpace { get; init; }

    /// <summary>Keys in play: indexes 0 to KeyCount − 1 (all preloaded).</summary>
    public required int KeyCount { get; init; }

    public required byte[] Value { get; init; }

    /// <summary>Percentage of operations that are gets; the rest are sets.</summary>
    public required int GetPercent { get; init; }

    public required KeyDistribution Distribution { get; init; }

    /// <summary>Concurrent async loops (each has at most one operation outstanding).</summary>
    public required int Concurrency { get; init; }

    public required TimeSpan Warmup { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>Open loop: total ops/s over all loops; null = closed loop (each loop sends again as soon as it gets an answer).</summary>
    public double? Rate { get; init; }

    /// <summary>Read at the measured window's edges (e.g. the near cache's counters); null = nothing.</summary>
    public IWindowProbe? Probe { get; init; }
}
