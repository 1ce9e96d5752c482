using System.ComponentModel.DataAnnotations;

namespace Grid.Grains.Hosting;

/// <summary>Which certificates a silo asks of the clients that connect to its gateway.</summary>
public enum GridClientCertificateMode
{
    /// <summary>Clients need no certificate (the connection is encrypted; clients are not authenticated).</summary>
    None = 0,

    /// <summary>Mutual TLS: a client must present a certificate that chains to the trusted CA or has an allowed thumbprint.</summary>
    Require = 1,
}

/// <summary>
/// TLS of a silo (section <c>Grid:Tls</c>): its gateway (clients) and silo-to-silo connections. Silos always
/// authenticate each other when TLS is on (each presents its certificate, which must be trusted by the others), so the
/// silo certificate needs both the server and client authentication usages (or none).
/// </summary>
public sealed class GridSiloTlsOptions : GridTlsOptions
{
    /// <summary>What the gateway asks of clients: <c>None</c> (default) or <c>Require</c> (mutual TLS).</summary>
    public GridClientCertificateMode ClientCertificateMode { get; set; }

    /// <summary>Silos always present a certificate (to each other, and to clients).</summary>
    protected override bool CertificateRequired => true;

    /// <inheritdoc />
    protected override IEnumerable<ValidationResult> ValidateSettings(string section)
    {
        foreach (var failure in base.ValidateSettings(section))
        {
            yield return failure;
        }

        if (!Enum.IsDefined(ClientCertificateMode))
        {
            yield return new ValidationResult($"{section}:ClientCertificateMode must be None or Require (it is {ClientCertificateMode}).");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{base.ToString()}, ClientCertificateMode={ClientCertificateMode}";
}
