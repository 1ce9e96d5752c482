using Grid.Bench.Load;

namespace Grid.Bench.Reporting;

/// <summary>One system measured on one cell.</summary>
/// <param name="Silos">The phase's grid topology (redis-server rows carry the phase they were measured in).</param>
/// <param name="System">redis, grid, grid-unbatched or grid-l1.</param>
/// <param name="ValueSize">Value bytes.</param>
/// <param name="GetPercent">Share of gets (the rest are sets).</param>
/// <param name="Distribution">Key choice.</param>
/// <param name="Concurrency">Concurrent loops.</param>
/// <param name="Keys">Keys in play (all preloaded).</param>
/// <param name="Measurement">What was measured.</param>
/// <param name="HitRatio">Gets that found their key, from the server's counters over the cell (warm-up included); null when unknown.</param>
internal sealed record CellResult(
    int Silos,
    string System,
    int ValueSize,
    int GetPercent,
    KeyDistribution Distribution,
    int Concurrency,
    int Keys,
    LoadMeasurement Measurement,
    double? HitRatio)
{
    /// <summary>The near cache's counters over the measured window (grid-l1 only).</summary>
    public NearCacheWindow? NearCache { get; init; }

    public bool SameWorkload(CellResult other) =>
        ValueSize == other.ValueSize && GetPercent == other.GetPercent && Distribution == other.Distribution && Concurrency == other.Concurrency;

    public string Mix => $"{GetPercent}/{100 - GetPercent}";

    public string DistributionName => Distribution == KeyDistribution.Uniform ? "uniform" : "zipf0.99";
}
