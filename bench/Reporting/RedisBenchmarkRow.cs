namespace Grid.Bench.Reporting;

/// <summary>One test line of redis-benchmark (a C client) against the run's redis-server: the reference row.</summary>
internal sealed record RedisBenchmarkRow(
    string Test,
    int Pipeline,
    int Clients,
    int Requests,
    int ValueSize,
    double RequestsPerSecond,
    double P50Micros,
    double P99Micros,
    double ServerCpuPercent,
    string Command);
