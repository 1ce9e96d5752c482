using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Grid.Tests.Shared;

/// <summary>
/// Certificates made for one test run, written as PEM (and PFX) files to a temporary directory: a test CA, a silo
/// certificate (server and client usages, 127.0.0.1/localhost), a client certificate signed by the CA, and an
/// untrusted client certificate signed by another CA. Nothing here is a real key; the directory is deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>The CA's certificate (PEM).</summary>
    public string CaPath => Path.Combine(Directory, "ca.crt");

    public CertificateFiles Silo { get; private set; } = null!;

    public CertificateFiles Client { get; private set; } = null!;

    public CertificateFiles Untrusted { get; private set; } = null!;

    /// <summary>A Kubernetes TLS secret's layout (tls.crt, tls.key, ca.crt) holding the silo certificate.</summary>
    public string SecretDirectory => Path.Combine(Directory, "secret");

    /// <summary>The silo certificate as a password-protected PFX.</summary>
    public string SiloPfxPath => Path.Combine(Directory, "silo.pfx");

    public const string PfxPassword = "test-pfx-password";

    public static TestCertificates Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "grid-certs-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var certificates = new TestCertificates(directory);
        using var ca = CreateAuthority("CN=Grid Test CA");
        using var otherCa = CreateAuthority("CN=Someone Else's CA");
        File.WriteAllText(certificates.CaPath, ca.ExportCertificatePem());

        certificates.Silo = certificates.Issue(ca, "silo", "CN=grid-silo", [ServerAuth, ClientAuth]);
        certificates.Client = certificates.Issue(ca, "client", "CN=grid-client", [ClientAuth]);
        certificates.Untrusted = certificates.Issue(otherCa, "untrusted", "CN=grid-client", [ClientAuth]);

        var secret = certificates.SecretDirectory;
        System.IO.Directory.CreateDirectory(secret);
        File.Copy(certificates.Silo.CertificatePath, Path.Combine(secret, "tls.crt"));
        File.Copy(certificates.Silo.KeyPath, Path.Combine(secret, "tls.key"));
        File.Copy(certificates.CaPath, Path.Combine(secret, "ca.crt"));

        using var silo = X509Certificate2.CreateFromPemFile(certificates.Silo.CertificatePath, certificates.Silo.KeyPath);
        File.WriteAllBytes(certificates.SiloPfxPath, silo.Export(X509ContentType.Pkcs12, PfxPassword));
        return certificates;
    }

    private static X509Certificate2 CreateAuthority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private CertificateFiles Issue(X509Certificate2 authority, string name, string subject, string[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var oids = new OidCollection();
        foreach (var usage in usages)
        {
            oids.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        var files = new CertificateFiles(Path.Combine(Directory, name + ".crt"), Path.Combine(Directory, name + ".key"), issued.Thumbprint);
        File.WriteAllText(files.CertificatePath, issued.ExportCertificatePem());
        File.WriteAllText(files.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return files;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file: the temporary directory goes with the machine.
        }
    }
}

/// <summary>A certificate (PEM) and its private key (PEM) on disk.</summary>
public sealed record CertificateFiles(string CertificatePath, string KeyPath, string Thumbprint);
