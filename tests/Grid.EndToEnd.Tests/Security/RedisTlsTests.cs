using Grid.Client;
using Grid.Tests.Shared;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.Security;

/// <summary>Redis membership over TLS (a real redis-server with --tls-port and a test certificate).</summary>
public sealed class RedisTlsTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    private const string Password = "tls-Redis-Secret-31";

    private TestCertificates Certs => certificates.Certificates;

    [Fact]
    public async Task Silo_and_client_reach_redis_over_tls_with_the_trusted_ca()
    {
        await using var redis = await RedisServer.StartAsync(password: Password, tls: (Certs.Silo.CertificatePath, Certs.Silo.KeyPath));
        string configuration = $"{redis.ConnectionString},password={Password},ssl=true";
        await using var silo = await SiloProcess.StartAsync(configuration, new Dictionary<string, string> { ["Grid__Clustering__RedisTrustedCaPath"] = Certs.CaPath });
        await using var client = await ClientHost.StartAsync(o =>
        {
            o.Clustering.Redis = configuration;
            o.Clustering.RedisTrustedCaPath = Certs.CaPath;
        });
        await client.Cache.SetStringAsync("redis-tls:key", "ok");
        Assert.Equal("ok", await client.Cache.GetStringAsync("redis-tls:key"));
        Assert.DoesNotContain(Password, silo.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_that_does_not_trust_redis_certificate_stops_at_start_up_naming_tls()
    {
        await using var redis = await RedisServer.StartAsync(password: Password, tls: (Certs.Silo.CertificatePath, Certs.Silo.KeyPath));
        await using var silo = await SiloProcess.StartAsync($"{redis.ConnectionString},password={Password},ssl=true,connectTimeout=3000", waitUntilReady: false);
        Assert.Equal(3, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"cannot connect to the Redis membership store at {redis.ConnectionString}: the TLS handshake failed", silo.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, silo.Process.Output, StringComparison.Ordinal);
    }
}
