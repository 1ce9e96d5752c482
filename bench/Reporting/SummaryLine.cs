namespace Grid.Bench.Reporting;

/// <summary>One system and topology in the summary: ratio means against each anchor and the mean CPU cost per operation.</summary>
/// <param name="Name">System and topology, e.g. <c>grid, 3 silos</c>.</param>
/// <param name="Cells">Cells measured.</param>
/// <param name="OpsVsRedis">Geometric mean of ops/s ÷ redis-server's.</param>
/// <param name="MinOps">Lowest ops/s ratio against redis-server.</param>
/// <param name="MaxOps">Highest ops/s ratio against redis-server.</param>
/// <param name="P99VsRedis">Geometric mean of p99 ÷ redis-server's.</param>
/// <param name="OpsVsCluster">Geometric mean of ops/s ÷ the Redis Cluster's (multi-silo phases).</param>
/// <param name="P99VsCluster">Geometric mean of p99 ÷ the Redis Cluster's.</param>
/// <param name="Cpu">The system's CPU µs per operation, client and server, mean over its cells.</param>
/// <param name="RedisCpu">redis-server's over the same cells.</param>
/// <param name="ClusterCpu">The Redis Cluster's over the same cells.</param>
internal sealed record SummaryLine(
    string Name,
    int Cells,
    double? OpsVsRedis,
    double? MinOps,
    double? MaxOps,
    double? P99VsRedis,
    double? OpsVsCluster,
    double? P99VsCluster,
    CpuPerOp? Cpu,
    CpuPerOp? RedisCpu,
    CpuPerOp? ClusterCpu);
