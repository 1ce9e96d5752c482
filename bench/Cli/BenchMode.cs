namespace Grid.Bench.Cli;

/// <summary>How much the harness runs: the full matrix, a short pass, or a seconds-long check that the harness works.</summary>
internal enum BenchMode
{
    Full,
    Quick,
    Smoke,
}
