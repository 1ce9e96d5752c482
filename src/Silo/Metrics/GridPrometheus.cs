using OpenTelemetry.Metrics;

namespace Grid.Silo.Metrics;

/// <summary>OpenTelemetry metrics of the silo, exported for Prometheus on the admin endpoint's <c>/metrics</c>.</summary>
internal static class GridPrometheus
{
    /// <summary>Grid's meter (the silo's instruments, <c>GridSiloMetrics.MeterName</c> in Grid.Grains).</summary>
    public const string GridMeter = "Grid";

    /// <summary>Orleans' own meter.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Histogram buckets (ms) for Grid's durations: a cache answers in well under a millisecond to a few.</summary>
    private static readonly double[] DurationBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

    public static WebApplicationBuilder AddGridPrometheus(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GridMeter, OrleansMeter)
            .AddView("grid.silo.batch.duration", new ExplicitBucketHistogramConfiguration { Boundaries = DurationBoundaries })
            .AddPrometheusExporter());
        return builder;
    }
}
