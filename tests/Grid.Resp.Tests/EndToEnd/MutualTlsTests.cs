using System.Globalization;
using System.Net.Sockets;
using Grid.Tests.Shared;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>With <c>Grid:Tls:ClientCertificateMode=Require</c>, the RESP port asks clients for a certificate of the grid's CA (Redis's <c>tls-auth-clients yes</c>).</summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private TestCertificates? _certificates;
    private RespSilo? _silo;
    private int _port;

    public async Task InitializeAsync()
    {
        _certificates = TestCertificates.Create();
        _silo = await RespSilo.StartAsync(new Dictionary<string, string>
        {
            ["Grid__Tls__Enabled"] = "true",
            ["Grid__Tls__CertificatePath"] = _certificates.SiloPfxPath,
            ["Grid__Tls__CertificatePassword"] = TestCertificates.PfxPassword,
            ["Grid__Tls__TrustedCaPath"] = _certificates.CaPath,
            ["Grid__Tls__ClientCertificateMode"] = "Require",
        });
        _port = _silo.Port;
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _certificates?.Dispose();
    }

    [Fact]
    public async Task Redis_cli_needs_a_certificate_of_the_grid_ca()
    {
        if (RedisServer.FindExecutable("redis-cli") is not { } cli)
        {
            return; // redis-tools is not installed here; .ci/run installs it.
        }

        var certs = _certificates!;
        string port = _port.ToString(CultureInfo.InvariantCulture);
        string[] common = ["-h", "127.0.0.1", "-p", port, "--tls", "--cacert", certs.CaPath, "--sni", "localhost"];

        var (exitCode, output) = await ManagedProcess.RunAsync(cli, [.. common, "--cert", certs.Client.CertificatePath, "--key", certs.Client.KeyPath, "ping"], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, output);
        Assert.Equal("PONG", output.Trim());

        // No certificate, or one of another CA: no PONG.
        (_, output) = await ManagedProcess.RunAsync(cli, [.. common, "ping"], TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("PONG", output, StringComparison.Ordinal);
        (_, output) = await ManagedProcess.RunAsync(cli, [.. common, "--cert", certs.Untrusted.CertificatePath, "--key", certs.Untrusted.KeyPath, "ping"], TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("PONG", output, StringComparison.Ordinal);
    }
}
