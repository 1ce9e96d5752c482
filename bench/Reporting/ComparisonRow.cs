namespace Grid.Bench.Reporting;

/// <summary>One cell of a <see cref="Comparison"/>: the measured system's row and its anchors of the same workload.</summary>
/// <param name="Challenger">The system's row.</param>
/// <param name="Redis">redis-server's row (same phase if measured there); null when none.</param>
/// <param name="Cluster">The Redis Cluster's row of the same phase; null when none (one silo, or not measured).</param>
internal sealed record ComparisonRow(CellResult Challenger, CellResult? Redis, CellResult? Cluster)
{
    /// <summary>Challenger ÷ anchor ops/s; null without the anchor or when it measured nothing.</summary>
    public static double? OpsRatio(CellResult challenger, CellResult? anchor) =>
        anchor is null ? null : Fmt.Divide(challenger.Measurement.OpsPerSecond, anchor.Measurement.OpsPerSecond);

    /// <summary>Challenger ÷ anchor p99; null without the anchor.</summary>
    public static double? P99Ratio(CellResult challenger, CellResult? anchor) =>
        anchor is null ? null : Fmt.Divide(challenger.Measurement.P99Micros, anchor.Measurement.P99Micros);
}
