using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grid.Grains.Hosting;
using Grid.Tests.Shared;
using Grid.Tests.Shared.Options;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Security;

public sealed class TlsCertificateTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public void Dispose() => _certs.Dispose();

    [Fact]
    public void Certificates_load_from_pem_with_a_key_file_a_password_protected_pfx_and_a_secret_directory()
    {
        var pem = new TlsCertificateSource(new GridTlsOptions { Enabled = true, CertificatePath = _certs.Silo.CertificatePath, KeyPath = _certs.Silo.KeyPath }, "Grid:Tls");
        Assert.Equal(_certs.Silo.Thumbprint, pem.Certificate!.Thumbprint);
        Assert.True(pem.Certificate.HasPrivateKey);

        var pfx = new TlsCertificateSource(new GridTlsOptions { Enabled = true, CertificatePath = _certs.SiloPfxPath, CertificatePassword = TestCertificates.PfxPassword }, "Grid:Tls");
        Assert.Equal(_certs.Silo.Thumbprint, pfx.Certificate!.Thumbprint);

        var secret = new TlsCertificateSource(new GridTlsOptions { Enabled = true, CertificateDirectory = _certs.SecretDirectory }, "Grid:Tls");
        Assert.Equal(_certs.Silo.Thumbprint, secret.Certificate!.Thumbprint);
        Assert.Single(secret.TrustedAuthorities);
    }

    [Fact]
    public void A_wrong_pfx_password_fails_naming_the_setting_without_the_password()
    {
        var error = Assert.Throws<ArgumentException>(() => new TlsCertificateSource(
            new GridTlsOptions { Enabled = true, CertificatePath = _certs.SiloPfxPath, CertificatePassword = "not-the-password-42" }, "Grid:Tls"));
        Assert.Contains("Grid:Tls:CertificatePath", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_renewed_certificate_is_used_after_the_reload_interval_and_a_broken_renewal_keeps_the_previous_one()
    {
        string dir = Path.Combine(_certs.Directory, "renewing");
        Directory.CreateDirectory(dir);
        File.Copy(_certs.Silo.CertificatePath, Path.Combine(dir, "tls.crt"));
        File.Copy(_certs.Silo.KeyPath, Path.Combine(dir, "tls.key"));
        var time = new FakeTimeProvider();
        var failures = new List<Exception>();
        var source = new TlsCertificateSource(new GridTlsOptions { Enabled = true, CertificateDirectory = dir, ReloadInterval = TimeSpan.FromMinutes(1) }, "Grid:Tls", time)
        {
            ReloadFailed = failures.Add,
        };
        Assert.Equal(_certs.Silo.Thumbprint, source.Certificate!.Thumbprint);

        // The secret is renewed (here with the client certificate, as a different one): not seen before the interval.
        File.Copy(_certs.Client.CertificatePath, Path.Combine(dir, "tls.crt"), overwrite: true);
        File.Copy(_certs.Client.KeyPath, Path.Combine(dir, "tls.key"), overwrite: true);
        File.SetLastWriteTimeUtc(Path.Combine(dir, "tls.crt"), DateTime.UtcNow.AddMinutes(1));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(_certs.Silo.Thumbprint, source.Certificate!.Thumbprint);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(_certs.Client.Thumbprint, source.Certificate!.Thumbprint);

        // A half-written renewal (a key that does not match) is reported and the last good certificate stays.
        File.Copy(_certs.Untrusted.KeyPath, Path.Combine(dir, "tls.key"), overwrite: true);
        File.SetLastWriteTimeUtc(Path.Combine(dir, "tls.key"), DateTime.UtcNow.AddMinutes(2));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(_certs.Client.Thumbprint, source.Certificate!.Thumbprint);
        Assert.Single(failures);
    }

    [Fact]
    public void Trust_accepts_certificates_of_the_ca_or_an_allowed_thumbprint_and_refuses_the_others()
    {
        using var client = X509Certificate2.CreateFromPemFile(_certs.Client.CertificatePath, _certs.Client.KeyPath);
        using var untrusted = X509Certificate2.CreateFromPemFile(_certs.Untrusted.CertificatePath, _certs.Untrusted.KeyPath);
        var byCa = new CertificateTrust(new TlsCertificateSource(new GridTlsOptions { Enabled = true, TrustedCaPath = _certs.CaPath }, "x"), null);
        Assert.True(byCa.Validate(client, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(byCa.Validate(untrusted, null, SslPolicyErrors.RemoteCertificateChainErrors));

        var byThumbprint = new CertificateTrust(new TlsCertificateSource(new GridTlsOptions { Enabled = true }, "x"), [_certs.Untrusted.Thumbprint.ToLowerInvariant()]);
        Assert.True(byThumbprint.Validate(untrusted, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(byThumbprint.Validate(client, null, SslPolicyErrors.None));

        // Neither: the system store's verdict, without the host name.
        var system = new CertificateTrust(new TlsCertificateSource(new GridTlsOptions { Enabled = true }, "x"), null);
        Assert.True(system.Validate(client, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(system.Validate(client, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Theory]
    [InlineData("CertificatePath", "Grid:Tls:CertificatePath")]
    [InlineData("Missing", "no certificate is configured")]
    [InlineData("TrustedCaPath", "Grid:Tls:TrustedCaPath")]
    [InlineData("Thumbprint", "Grid:Tls:AllowedThumbprints")]
    [InlineData("Both", "cannot both be set")]
    public void Tls_settings_are_checked_at_start_up_naming_the_setting(string problem, string expected)
    {
        var options = new GridSiloTlsOptions { Enabled = true, CertificatePath = _certs.SiloPfxPath };
        switch (problem)
        {
            case "CertificatePath": options.CertificatePath = "/nonexistent/silo.pfx"; break;
            case "Missing": options.CertificatePath = null; break;
            case "TrustedCaPath": options.TrustedCaPath = "/nonexistent/ca.crt"; break;
            case "Thumbprint": options.AllowedThumbprints = ["not-hex"]; break;
            default: options.CertificateDirectory = _certs.SecretDirectory; break;
        }

        string error = Assert.Single(SiloOptionsFailures.Of(options));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_never_show_passwords_or_tokens()
    {
        var tls = new GridSiloTlsOptions { Enabled = true, CertificatePassword = "pfx-secret-123" };
        Assert.DoesNotContain("pfx-secret-123", tls.ToString(), StringComparison.Ordinal);
        var clustering = new GridClusteringOptions { Redis = "redis:6379,user=grid,password=redis-secret-456,ssl=true" };
        Assert.DoesNotContain("redis-secret-456", clustering.ToString(), StringComparison.Ordinal);
        Assert.Contains("password=***", clustering.ToString(), StringComparison.Ordinal);
        Assert.Contains("ssl=true", clustering.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("token-secret-789-abcdef", new GridAdminOptions { Token = "token-secret-789-abcdef" }.ToString(), StringComparison.Ordinal);
    }
}
