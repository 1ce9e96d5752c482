using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Grid;

/// <summary>
/// Decides whether a peer's certificate is trusted: it chains to one of the configured CA certificates, or its
/// thumbprint (SHA-1 or SHA-256) is allowed; with neither configured, the operating system's trust store decides.
/// The host name is never checked (Orleans connects by IP address).
/// </summary>
internal sealed class CertificateTrust
{
    private readonly TlsCertificateSource _source;
    private readonly HashSet<string> _thumbprints;

    public CertificateTrust(TlsCertificateSource source, IEnumerable<string>? allowedThumbprints)
    {
        _source = source;
        _thumbprints = new HashSet<string>((allowedThumbprints ?? []).Select(Grid.Security.Thumbprints.Normalize), StringComparer.Ordinal);
    }

    /// <summary>The validation callback of TLS connections (both directions).</summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_thumbprints.Count > 0 && (_thumbprints.Contains(certificate.Thumbprint.ToUpperInvariant())
            || _thumbprints.Contains(Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)))))
        {
            return true;
        }

        var authorities = _source.TrustedAuthorities;
        if (authorities.Count > 0)
        {
            return ChainsTo(certificate, chain, authorities);
        }

        // No CA of our own: the system trust store's verdict, without the host name check.
        return _thumbprints.Count == 0 && (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the peer sent along.
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.Equals(certificate))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        return chain.Build(certificate);
    }
}
