using Grid.Grains.Hosting;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Grid.Grains.Security;

/// <summary>
/// Puts TLS on a silo's connections: the gateway (clients; mutual TLS when <see cref="GridSiloTlsOptions.ClientCertificateMode"/>
/// is <c>Require</c>), inbound silo connections (the connecting silo must present a trusted certificate) and outbound
/// silo connections (this silo presents its certificate and checks the other's).
/// </summary>
internal static class SiloTls
{
    public const string Section = "Grid:Tls";

    public static void Configure(ISiloBuilder silo, GridSiloTlsOptions options)
    {
        // Loads the files now, so a bad certificate stops start-up with a message naming the setting.
        var source = new TlsCertificateSource(options, Section);
        var trust = new CertificateTrust(source, options.AllowedThumbprints);
        var siloInbound = ServerOptions(options, source, trust, RemoteCertificateMode.RequireCertificate);
        var gatewayInbound = ServerOptions(options, source, trust, options.ClientCertificateMode == GridClientCertificateMode.Require
            ? RemoteCertificateMode.RequireCertificate
            : RemoteCertificateMode.NoCertificate);
        var siloOutbound = new TlsOptions
        {
            LocalCertificate = source.Certificate,
            LocalClientCertificateSelector = (_, _, _, _, _) => source.Certificate!,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = trust.Validate,
            HandshakeTimeout = options.HandshakeTimeout,
        };

        silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(builder => builder.UseServerTls(siloInbound));
            connections.ConfigureGatewayInboundConnection(builder => builder.UseServerTls(gatewayInbound));
            connections.ConfigureSiloOutboundConnection(builder => builder.UseClientTls(siloOutbound));
        });
    }

    private static TlsOptions ServerOptions(GridSiloTlsOptions options, TlsCertificateSource source, CertificateTrust trust, RemoteCertificateMode mode) => new()
    {
        LocalCertificate = source.Certificate,
        LocalServerCertificateSelector = (_, _) => source.Certificate!,
        RemoteCertificateMode = mode,
        RemoteCertificateValidation = trust.Validate,
        HandshakeTimeout = options.HandshakeTimeout,
    };
}
