using Grid.Bench.Load;

namespace Grid.Bench.Reporting;

/// <summary>CPU time per operation in µs, split into the client (harness) process and the server processes.</summary>
internal readonly record struct CpuPerOp(double ClientMicros, double ServerMicros)
{
    public double TotalMicros => ClientMicros + ServerMicros;

    /// <summary>The arithmetic mean over the measurements (the parts still add up to the total); null when there are none.</summary>
    public static CpuPerOp? Mean(List<LoadMeasurement> measurements)
    {
        if (measurements.Count == 0)
        {
            return null;
        }

        double client = 0;
        double server = 0;
        foreach (var m in measurements)
        {
            client += m.ClientCpuMicrosPerOp;
            server += m.ServerCpuMicrosPerOp;
        }

        return new CpuPerOp(client / measurements.Count, server / measurements.Count);
    }

    /// <summary>"total (client + server)", see <see cref="Fmt.CpuPerOp(double, double)"/>.</summary>
    public override string ToString() => Fmt.CpuPerOp(ClientMicros, ServerMicros);
}
