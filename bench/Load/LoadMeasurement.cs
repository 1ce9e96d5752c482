namespace Grid.Bench.Load;

/// <summary>What one cell measured for one system.</summary>
internal sealed record LoadMeasurement
{
    /// <summary>Successful operations that started inside the measured window.</summary>
    public long Operations { get; init; }

    /// <summary>Failed operations (exceptions, timeouts) that started inside the measured window.</summary>
    public long Errors { get; init; }

    /// <summary>The first failure's type and message, if any.</summary>
    public string? FirstError { get; init; }

    /// <summary>Loops still waiting for an answer long after the window closed.</summary>
    public int StuckLoops { get; init; }

    public double Seconds { get; init; }

    public double OpsPerSecond => Seconds > 0 ? Operations / Seconds : 0;

    public double P50Micros { get; init; }

    public double P99Micros { get; init; }

    public double P999Micros { get; init; }

    public double MaxMicros { get; init; }

    public double MeanMicros { get; init; }

    /// <summary>This (client) process's CPU time over the window ÷ wall time, in % of one core.</summary>
    public double ClientCpuPercent { get; init; }

    /// <summary>The server processes' CPU time over the window ÷ wall time, in % of one core.</summary>
    public double ServerCpuPercent { get; init; }

    /// <summary>(Client + server CPU time) ÷ operations, in µs.</summary>
    public double CpuMicrosPerOp => ClientCpuMicrosPerOp + ServerCpuMicrosPerOp;

    /// <summary>The client (harness) process's CPU time ÷ operations, in µs.</summary>
    public double ClientCpuMicrosPerOp => PerOp(ClientCpuPercent);

    /// <summary>The server processes' CPU time ÷ operations, in µs.</summary>
    public double ServerCpuMicrosPerOp => PerOp(ServerCpuPercent);

    private double PerOp(double cpuPercent) => Operations > 0 ? cpuPercent / 100 * Seconds * 1e6 / Operations : 0;
}
