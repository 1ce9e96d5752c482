using System.Globalization;
using System.Net.Sockets;
using Grid.Tests.Shared;
using StackExchange.Redis;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>With the grid's TLS on, the RESP port serves TLS with the silo's certificate: StackExchange.Redis and redis-cli connect with Ssl, plain TCP gets nothing.</summary>
public sealed class TlsTests : IAsyncLifetime
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
    public async Task StackExchange_Redis_connects_over_tls_trusting_the_grid_ca()
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", _port } },
            Ssl = true,
            SslHost = "localhost",
            AbortOnConnectFail = true,
            ConnectTimeout = 15_000,
        };
        options.TrustIssuer(_certificates!.CaPath);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("tls.k", "secret"));
        Assert.Equal("secret", (string?)await db.StringGetAsync("tls.k"));
    }

    [Fact]
    public async Task Redis_cli_connects_with_tls()
    {
        if (RedisServer.FindExecutable("redis-cli") is not { } cli)
        {
            return; // redis-tools is not installed here; .ci/run installs it.
        }

        string port = _port.ToString(CultureInfo.InvariantCulture);
        var (exitCode, output) = await ManagedProcess.RunAsync(cli, ["-h", "127.0.0.1", "-p", port, "--tls", "--cacert", _certificates!.CaPath, "--sni", "localhost", "ping"], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, output);
        Assert.Equal("PONG", output.Trim());
    }

    [Fact]
    public async Task Plain_tcp_gets_no_reply()
    {
        await using var plain = await RawRespClient.ConnectAsync(_port);
        await plain.SendAsync("PING\r\n");
        Assert.DoesNotContain("PONG", await plain.ReadToCloseAsync(), StringComparison.Ordinal);
    }
}
