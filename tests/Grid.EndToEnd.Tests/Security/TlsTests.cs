using System.Globalization;
using Grid.Client;
using Grid.Tests.Shared;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.Security;

/// <summary>TLS between real silo processes and clients: mutual TLS refuses clients without a trusted certificate; silos talk to each other over TLS.</summary>
public sealed class TlsTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    private TestCertificates Certs => certificates.Certificates;

    [Fact]
    public async Task Mutual_tls_silo_serves_a_client_with_a_valid_certificate_and_refuses_the_others()
    {
        await using var silo = await SiloProcess.StartAsync(redis: null, SiloTls(mutual: true));

        await using (var trusted = await ClientHost.StartAsync(o => ClientTls(o, silo, Certs.Client)))
        {
            await trusted.Cache.SetStringAsync("tls:mutual", "ok");
            Assert.Equal("ok", await trusted.Cache.GetStringAsync("tls:mutual"));
        }

        // No certificate, a certificate of another CA, and no TLS at all: the silo drops each connection.
        await AssertRefusedAsync(o => ClientTls(o, silo, certificate: null));
        await AssertRefusedAsync(o => ClientTls(o, silo, Certs.Untrusted));
        await AssertRefusedAsync(o =>
        {
            o.Clustering.Gateways = [silo.Gateway];
            o.ConnectTimeout = TimeSpan.FromSeconds(3);
        });
        Assert.Contains("Grid silo ready", silo.Process.Output, StringComparison.Ordinal);
        Assert.False(silo.Process.HasExited);
    }

    [Fact]
    public async Task Tls_without_client_certificates_serves_a_client_that_trusts_the_silo_and_refuses_one_that_does_not()
    {
        await using var silo = await SiloProcess.StartAsync(redis: null, SiloTls(mutual: false));
        await using (var client = await ClientHost.StartAsync(o => ClientTls(o, silo, certificate: null)))
        {
            await client.Cache.SetStringAsync("tls:plain", "ok");
            Assert.Equal("ok", await client.Cache.GetStringAsync("tls:plain"));
        }

        // A client that trusts only a thumbprint the silo does not have refuses the silo.
        await AssertRefusedAsync(o =>
        {
            ClientTls(o, silo, certificate: null);
            o.Tls.TrustedCaPath = null;
            o.Tls.AllowedThumbprints = [Certs.Untrusted.Thumbprint];
        });
    }

    [Fact]
    public async Task Two_silos_form_a_cluster_over_mutual_tls_and_serve_a_client_found_through_redis()
    {
        await using var redis = await RedisServer.StartAsync();
        // The second silo reads its certificate from a Kubernetes-style secret directory and trusts by thumbprint too.
        var debugLogs = SiloTls(mutual: true);
        debugLogs["Logging__LogLevel__Default"] = "Debug";
        debugLogs["Logging__LogLevel__Orleans"] = "Debug";
        await using var first = await SiloProcess.StartAsync(redis.ConnectionString, debugLogs);
        var secretSettings = new Dictionary<string, string>
        {
            ["Grid__Tls__Enabled"] = "true",
            ["Grid__Tls__CertificateDirectory"] = Certs.SecretDirectory,
            ["Grid__Tls__ClientCertificateMode"] = "Require",
        };
        await using var second = await SiloProcess.StartAsync(redis.ConnectionString, secretSettings);
        await using var client = await ClientHost.StartAsync(o =>
        {
            ClientTls(o, first, Certs.Client);
            o.Clustering.Gateways = null;
            o.Clustering.Redis = redis.ConnectionString;
        });

        var keys = Enumerable.Range(0, 300).Select(i => $"tls:cluster:{i}").ToArray();
        await client.Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(k))).ToList());
        var values = await client.Cache.GetManyAsync(keys);
        Assert.All(values.Zip(keys), pair => Assert.Equal(pair.Second, System.Text.Encoding.UTF8.GetString(pair.First!)));
        var stats = await client.Cache.GetSiloStatisticsAsync();
        Assert.Equal(2, stats.Count);
        Assert.All(stats, s => Assert.True(s.Entries > 0, $"silo {s.Silo} holds nothing"));
        // Replication ships every write to the other silo: silo-to-silo calls crossed the TLS connections.
        Assert.All(stats, s => Assert.True(s.ReplicaEntries > 0, $"silo {s.Silo} holds no replica"));

        // The PFX password, given in the environment, appears in no log line even at Debug level.
        Assert.DoesNotContain(TestCertificates.PfxPassword, first.Process.Output, StringComparison.Ordinal);
    }

    internal Dictionary<string, string> SiloTls(bool mutual) => new()
    {
        ["Grid__Tls__Enabled"] = "true",
        ["Grid__Tls__CertificatePath"] = Certs.SiloPfxPath,
        ["Grid__Tls__CertificatePassword"] = TestCertificates.PfxPassword,
        ["Grid__Tls__TrustedCaPath"] = Certs.CaPath,
        ["Grid__Tls__ClientCertificateMode"] = mutual ? "Require" : "None",
    };

    private void ClientTls(GridClientOptions options, SiloProcess silo, CertificateFiles? certificate)
    {
        options.Clustering.Gateways = [silo.Gateway];
        options.ConnectTimeout = TimeSpan.FromSeconds(3);
        options.Tls.Enabled = true;
        options.Tls.TrustedCaPath = Certs.CaPath;
        options.Tls.CertificatePath = certificate?.CertificatePath;
        options.Tls.KeyPath = certificate?.KeyPath;
    }

    private static async Task AssertRefusedAsync(Action<GridClientOptions> configure)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ClientHost.StartAsync(configure));
        Assert.IsNotType<ArgumentException>(error);
        _ = string.Create(CultureInfo.InvariantCulture, $"{error}");
    }
}

/// <summary>The test certificates, made once for a test class.</summary>
public sealed class CertificatesFixture : IDisposable
{
    public TestCertificates Certificates { get; } = TestCertificates.Create();

    public void Dispose() => Certificates.Dispose();
}
