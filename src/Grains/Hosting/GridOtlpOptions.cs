namespace Grid.Grains.Hosting;

/// <summary>Where the silo sends its spans through OTLP (section <c>Grid:Telemetry:Otlp</c>).</summary>
public sealed class GridOtlpOptions : System.ComponentModel.DataAnnotations.IValidatableObject
{
    /// <summary>The OTLP gRPC protocol (the default; the collector's port 4317).</summary>
    public const string Grpc = "grpc";

    /// <summary>OTLP over HTTP with protobuf bodies (the collector's port 4318; spans are posted to <c>{Endpoint}/v1/traces</c>).</summary>
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>
    /// The collector's base address (<c>http://otel-collector:4317</c>), as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>. Empty: the
    /// silo exports only when that environment variable is set (then the standard <c>OTEL_EXPORTER_OTLP_*</c> variables
    /// apply); set, it wins over them.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>, as <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>; used with <see cref="Endpoint"/>.</summary>
    public string Protocol { get; set; } = Grpc;

    /// <summary>The endpoint is an absolute http(s) address; the protocol one of the two OTLP transports.</summary>
    System.Collections.Generic.IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> System.ComponentModel.DataAnnotations.IValidatableObject.Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        string section = Grid.Hosting.SettingPath.Of(validationContext);
        if (!string.IsNullOrWhiteSpace(Endpoint)
            && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new System.ComponentModel.DataAnnotations.ValidationResult($"{section}:Endpoint '{Endpoint}' must be an absolute http:// or https:// address such as http://otel-collector:4317.");
        }

        if (Protocol is not (Grpc or HttpProtobuf))
        {
            yield return new System.ComponentModel.DataAnnotations.ValidationResult($"{section}:Protocol '{Protocol}' must be '{Grpc}' or '{HttpProtobuf}'.");
        }
    }
}
