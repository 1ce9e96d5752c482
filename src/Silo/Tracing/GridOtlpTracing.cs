using Grid.Grains.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Grid.Silo.Tracing;

/// <summary>
/// Exports the silo's spans (source <see cref="GridTracing.SourceName"/>, and Orleans' when its activity propagation is
/// on) through OTLP when <c>Grid:Telemetry:Otlp:Endpoint</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. With neither,
/// no tracer provider exists, nothing listens to the source, and the silo's hot path starts no span at all.
/// </summary>
internal static class GridOtlpTracing
{
    /// <summary>The standard variable naming the collector (the exporter then reads the other <c>OTEL_EXPORTER_OTLP_*</c> too).</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name of the spans unless <c>OTEL_SERVICE_NAME</c> names another.</summary>
    public const string ServiceName = "grid-silo";

    /// <summary>Orleans' source of its grain call spans (with <see cref="GridTelemetryOptions.OrleansActivityPropagation"/>).</summary>
    private const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    public static IHostApplicationBuilder AddGridOtlpTracing(this IHostApplicationBuilder builder, GridTelemetryOptions telemetry)
    {
        var endpoint = telemetry.Otlp.Endpoint;
        bool configured = !string.IsNullOrWhiteSpace(endpoint);
        if (!configured && string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]))
        {
            return builder;
        }

        var otel = builder.Services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            otel.ConfigureResource(resource => resource.AddService(ServiceName));
        }

        otel.WithTracing(tracing =>
        {
            tracing.AddSource(GridTracing.SourceName);
            if (telemetry.OrleansActivityPropagation)
            {
                tracing.AddSource(OrleansApplicationSource);
            }

            if (!configured)
            {
                // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS... from configuration itself.
                tracing.AddOtlpExporter();
                return;
            }

            var protocol = telemetry.Otlp.Protocol == GridOtlpOptions.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            tracing.AddOtlpExporter(o =>
            {
                o.Protocol = protocol;

                // The setting is a base address, as the environment variable; an endpoint set in code is used as it is,
                // so the signal's path is added here (gRPC has none).
                o.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
                    ? new Uri(endpoint!.TrimEnd('/') + "/v1/traces")
                    : new Uri(endpoint!);
            });
        });
        return builder;
    }
}
