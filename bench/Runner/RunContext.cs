using Grid.Bench.Hosting;
using Grid.Bench.Load;
using Grid.Bench.Progress;
using Grid.Bench.Reporting;

namespace Grid.Bench.Runner;

/// <summary>What every part of a run shares.</summary>
internal sealed class RunContext
{
    public required ProcessSupervisor Supervisor { get; init; }

    public required IProgressSink Progress { get; init; }

    public required string LogDirectory { get; init; }

    public required string SiloDll { get; init; }

    public required BenchResults Results { get; init; }

    /// <summary><c>--cores</c>: every silo and redis-server process limited to this many cores; null = no limit.</summary>
    public int? Cores { get; init; }

    public LoadGenerator Generator { get; } = new();
}
