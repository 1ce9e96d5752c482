namespace Grid.Bench.Reporting;

/// <summary>How long loading the throughput keys took (not a cell; a hint at bulk-write speed).</summary>
internal sealed record PreloadResult(int Silos, string System, int Keys, int ValueSize, double Seconds)
{
    public double KeysPerSecond => Seconds > 0 ? Keys / Seconds : 0;
}
