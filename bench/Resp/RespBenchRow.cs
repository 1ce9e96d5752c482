namespace Grid.Bench.Resp;

/// <summary>One measurement of the RESP benchmark: a tool's test against one target.</summary>
/// <param name="Target">What served it: <c>redis-server</c>, <c>grid 1 silo</c>, <c>grid 3 silos</c>.</param>
/// <param name="Tool">redis-benchmark -P n, or StackExchange.Redis.</param>
/// <param name="Test">The test (SET, GET, ..., or the StackExchange.Redis mix).</param>
/// <param name="RequestsPerSecond">Throughput.</param>
/// <param name="P50Micros">Median latency (µs).</param>
/// <param name="P99Micros">99th percentile latency (µs).</param>
internal sealed record RespBenchRow(string Target, string Tool, string Test, double RequestsPerSecond, double P50Micros, double P99Micros);
