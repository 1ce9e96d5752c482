namespace Grid.Bench.Cli;

/// <summary>What the user asked for on the command line; <see cref="Runner.BenchPlan"/> turns it into cells.</summary>
internal sealed record BenchOptions
{
    public BenchMode Mode { get; init; } = BenchMode.Full;

    /// <summary>Systems to measure (<see cref="SystemNames"/>); empty = the mode's default.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>Measured seconds per cell; null = the mode's default.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Warm-up seconds before each cell's measurement; null = the mode's default.</summary>
    public double? WarmupSeconds { get; init; }

    /// <summary>Concurrency levels replacing the mode's; empty = the mode's.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [];

    /// <summary>Silo counts (topologies) replacing the mode's; empty = the mode's.</summary>
    public IReadOnlyList<int> Silos { get; init; } = [];

    /// <summary>Measure the grid with one grain call per operation instead of the batching client.</summary>
    public bool NoBatching { get; init; }

    /// <summary>Keys preloaded for the throughput cells; null = the mode's default.</summary>
    public int? Keys { get; init; }

    /// <summary>Entries loaded for the memory section; null = the mode's default.</summary>
    public int? MemoryEntries { get; init; }

    /// <summary>Open-loop mode: total target ops/s spread over the loops (latency from each op's scheduled send time). Null = closed loop.</summary>
    public double? Rate { get; init; }

    /// <summary>Limit silos and redis-server processes to this many cores (DOTNET_PROCESSOR_COUNT, and taskset when on PATH); null = no limit.</summary>
    public int? Cores { get; init; }

    /// <summary>Where run folders go (default <c>bench/results</c>).</summary>
    public string? ResultsRoot { get; init; }

    /// <summary>The silo to start (default <c>src/Silo/bin/Release/net10.0/Grid.Silo.dll</c>).</summary>
    public string? SiloDll { get; init; }

    /// <summary>Plain progress lines even on a terminal.</summary>
    public bool Plain { get; init; }

    /// <summary>Skip the memory section.</summary>
    public bool SkipMemory { get; init; }

    /// <summary>Run only the memory section: no throughput phases and no redis-benchmark reference.</summary>
    public bool MemoryOnly { get; init; }

    /// <summary>Skip the redis-benchmark reference.</summary>
    public bool SkipRedisBenchmark { get; init; }

    /// <summary>Print the plan (cells, estimated time) and exit without running anything.</summary>
    public bool PlanOnly { get; init; }

    /// <summary>The arguments as given, for the report.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
