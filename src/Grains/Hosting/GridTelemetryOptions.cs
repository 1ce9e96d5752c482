namespace Grid.Grains.Hosting;

/// <summary>
/// Distributed tracing of the silo (section <c>Grid:Telemetry</c>). Grid's spans (activity source <c>Grid</c>, see
/// <see cref="GridTracing"/>) are exported through OTLP when <see cref="GridOtlpOptions.Endpoint"/> or the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> environment variable is set; with neither, nothing listens and nothing is started.
/// </summary>
public sealed class GridTelemetryOptions
{
    /// <summary>
    /// Also turn on Orleans' own activity propagation (its spans around every grain call, source
    /// <c>Microsoft.Orleans.Application</c>, exported too). Default false: Grid's spans carry their context themselves, and
    /// Orleans' add a span pair to every call. Clients have the same setting (<c>GridClient:OrleansActivityPropagation</c>).
    /// </summary>
    public bool OrleansActivityPropagation { get; set; }

    /// <summary>The OTLP exporter (section <c>Grid:Telemetry:Otlp</c>).</summary>
    [Microsoft.Extensions.Options.ValidateObjectMembers]
    public GridOtlpOptions Otlp { get; set; } = new();
}
