using System.Globalization;

namespace Grid.Bench.Reporting;

/// <summary>Invariant number formatting for the report.</summary>
internal static class Fmt
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Int(double value) => value.ToString("N0", Inv);

    public static string Dec(double value, int digits = 1) => value.ToString("N" + digits.ToString(Inv), Inv);

    public static string Ratio(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.00", Inv) + "×" : "–";

    public static string Percent(double value) => value.ToString("0", Inv) + "%";

    public static string Bytes(long value) => value >= 1 << 20 ? (value / 1048576.0).ToString("N1", Inv) + " MiB" : Int(value) + " B";

    /// <summary>CPU µs per operation as "total (client + server)", e.g. <c>41.3 (25.0 + 16.3)</c>; "–" when nothing was measured.</summary>
    public static string CpuPerOp(double clientMicros, double serverMicros) =>
        !(clientMicros >= 0 && serverMicros >= 0) || clientMicros + serverMicros <= 0 || !double.IsFinite(clientMicros + serverMicros)
            ? "–"
            : $"{Dec(clientMicros + serverMicros)} ({Dec(clientMicros)} + {Dec(serverMicros)})";

    /// <summary><see cref="CpuPerOp(double, double)"/> of one measurement.</summary>
    public static string CpuPerOp(Load.LoadMeasurement measurement) => CpuPerOp(measurement.ClientCpuMicrosPerOp, measurement.ServerCpuMicrosPerOp);

    public static string Csv(double value) => double.IsFinite(value) ? value.ToString("0.###", Inv) : "";

    public static string Csv(double? value) => value is { } v ? Csv(v) : "";

    public static double? Divide(double numerator, double denominator) => denominator > 0 ? numerator / denominator : null;

    /// <summary>Geometric mean, the right average for ratios.</summary>
    public static double? GeoMean(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        double logSum = 0;
        foreach (double value in values)
        {
            logSum += Math.Log(value);
        }

        return Math.Exp(logSum / values.Count);
    }
}
