using System.Security.Authentication;
using Grid.Grains.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Grid.Resp.Security;

/// <summary>
/// TLS on the RESP port when the grid's TLS is on (<c>Grid:Tls:Enabled</c>): the silo's own certificate (reloaded when
/// its file is renewed, as for the gateway), and client certificates required when the gateway requires them
/// (<c>Grid:Tls:ClientCertificateMode=Require</c>, Redis's <c>tls-auth-clients yes</c>), checked against the grid's
/// trusted CA and thumbprints.
/// </summary>
internal static class RespTls
{
    /// <summary>Kestrel's TLS options for the port, or null when the grid's TLS is off. Loads the files now: a bad one stops start-up naming the setting.</summary>
    public static HttpsConnectionAdapterOptions? ServerOptions(GridSiloTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return null;
        }

        var source = new TlsCertificateSource(tls, "Grid:Tls");
        var trust = new CertificateTrust(source, tls.AllowedThumbprints);
        bool mutual = tls.ClientCertificateMode == GridClientCertificateMode.Require;
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => source.Certificate,
            HandshakeTimeout = tls.HandshakeTimeout,
            SslProtocols = SslProtocols.None,
            ClientCertificateMode = mutual ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
            ClientCertificateValidation = mutual ? (certificate, chain, errors) => trust.Validate(certificate, chain, errors) : null,
        };
    }
}
