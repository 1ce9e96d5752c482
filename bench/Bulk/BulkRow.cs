namespace Grid.Bench.Bulk;

/// <summary>One timed bulk pass of one system: <paramref name="Keys"/> keys in <paramref name="Seconds"/>, with the CPU it took.</summary>
/// <param name="Silos">The grid topology the pass belongs to (redis-server passes are measured beside each one).</param>
/// <param name="System"><c>redis</c> or <c>grid</c>.</param>
/// <param name="Phase">What the pass did (<see cref="BulkPhase"/>).</param>
/// <param name="Keys">Keys written or read.</param>
/// <param name="Seconds">Wall time of the pass.</param>
/// <param name="ClientCpuSeconds">CPU time of the harness process (the client) during the pass.</param>
/// <param name="ServerCpuSeconds">CPU time of redis-server, or of every silo process, during the pass.</param>
/// <param name="Misses">Reads that found no value (0 expected).</param>
internal sealed record BulkRow(int Silos, string System, BulkPhase Phase, int Keys, double Seconds, double ClientCpuSeconds, double ServerCpuSeconds, int Misses)
{
    public double KeysPerSecond => Seconds > 0 ? Keys / Seconds : 0;

    /// <summary>Client plus server CPU per key, in µs.</summary>
    public double CpuMicrosPerKey => Keys > 0 ? (ClientCpuSeconds + ServerCpuSeconds) * 1e6 / Keys : 0;
}
