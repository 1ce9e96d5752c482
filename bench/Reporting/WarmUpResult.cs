namespace Grid.Bench.Reporting;

/// <summary>
/// How long one system was warmed up before a phase's cells of one value size, and whether it got steady (two rounds
/// in a row within 5 % of each other's ops/s) before the round limit.
/// </summary>
internal sealed record WarmUpResult(int Silos, string System, int ValueSize, double Seconds, bool Steady);
