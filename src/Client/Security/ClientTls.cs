using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Grid.Client.Security;

/// <summary>
/// Puts TLS on the client's gateway connections: the silo's certificate must be trusted (<see cref="GridTlsOptions.TrustedCaPath"/>,
/// <see cref="GridTlsOptions.AllowedThumbprints"/>, or the system store), and the client presents its own certificate
/// when one is configured (needed when the silos require mutual TLS).
/// </summary>
internal static class ClientTls
{
    public const string Section = "GridClient:Tls";

    public static void Configure(IClientBuilder client, GridTlsOptions options)
    {
        // Loads the files now, so a bad certificate stops start-up with a message naming the setting.
        var source = new TlsCertificateSource(options, Section);
        var trust = new CertificateTrust(source, options.AllowedThumbprints);
        bool hasCertificate = source.Certificate is not null;
        var tls = new TlsOptions
        {
            LocalCertificate = source.Certificate,
            ClientCertificateMode = hasCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.NoCertificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = trust.Validate,
            HandshakeTimeout = options.HandshakeTimeout,
        };
        if (hasCertificate)
        {
            tls.LocalClientCertificateSelector = (_, _, _, _, _) => source.Certificate!;
        }

        client.Configure<ClientConnectionOptions>(connections => connections.ConfigureConnection(builder => builder.UseClientTls(tls)));
    }
}
