using Grid.Bench.Load;

namespace Grid.Bench.Runner;

/// <summary>One workload cell and the systems measured on it (in this order, back to back).</summary>
internal sealed record CellPlan(int ValueSize, int GetPercent, KeyDistribution Distribution, int Concurrency, IReadOnlyList<string> Systems);

/// <summary>One grid topology (silo count) with its cells; redis-server is measured again in each phase, so ratios compare neighbours in time.</summary>
internal sealed record PhasePlan(int Silos, int Keys, IReadOnlyList<CellPlan> Cells);
