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

    /// <summary>Bytes the harness process allocated over the measured window (the client library's garbage plus the load loops').</summary>
    public long ClientAllocatedBytes { get; init; }

    /// <summary>
    /// The share of the measured window the harness process spent paused by its garbage collector, in %: a near cache
    /// that keeps written values makes objects that outlive gen 0, and the pauses stop every caller in the process.
    /// </summary>
    public double ClientGcPausePercent { get; init; }

    /// <summary>Harness bytes allocated per operation (see <see cref="ClientAllocatedBytes"/>); loops whose answers came after the window make it a little high.</summary>
    public double ClientAllocatedBytesPerOp => Operations > 0 ? ClientAllocatedBytes / (double)Operations : 0;

    /// <summary>(Client + server CPU time) ÷ operations, in µs.</summary>
    public double CpuMicrosPerOp => ClientCpuMicrosPerOp + ServerCpuMicrosPerOp;

    /// <summary>The client (harness) process's CPU time ÷ operations, in µs.</summary>
    public double ClientCpuMicrosPerOp => PerOp(ClientCpuPercent);

    /// <summary>The server processes' CPU time ÷ operations, in µs.</summary>
    public double ServerCpuMicrosPerOp => PerOp(ServerCpuPercent);

    private double PerOp(double cpuPercent) => Operations > 0 ? cpuPercent / 100 * Seconds * 1e6 / Operations : 0;
}
