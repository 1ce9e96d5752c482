using System.Net;
using System.Net.Sockets;
using Grid.Grains.Hosting;
using Grid.Tests.Shared;
using Microsoft.Extensions.Hosting;

namespace Grid.Cli.Tests;

/// <summary>The CLI against a silo that requires mutual TLS.</summary>
public sealed class TlsTests(TlsSiloFixture silo) : IClassFixture<TlsSiloFixture>
{
    [Fact]
    public async Task Cli_with_the_ca_and_a_client_certificate_works_against_a_mutual_tls_silo()
    {
        var certs = silo.Certificates;
        var result = await Cli.RunRealAsync([.. silo.GlobalOptions, "--tls-ca", certs.CaPath, "--tls-cert", certs.Client.CertificatePath, "--tls-key", certs.Client.KeyPath, "set", "tls:cli", "v"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        result = await Cli.RunRealAsync([.. silo.GlobalOptions, "--tls-ca", certs.CaPath, "--tls-cert", certs.Client.CertificatePath, "--tls-key", certs.Client.KeyPath, "get", "tls:cli"]);
        Assert.Equal("v", result.Text);
    }

    [Fact]
    public async Task Cli_without_a_client_certificate_is_refused_with_a_clear_error()
    {
        var result = await Cli.RunRealAsync([.. silo.GlobalOptions, "--connect-timeout", "2s", "--tls-ca", silo.Certificates.CaPath, "get", "tls:cli"]);
        Assert.Equal(GridExitCodes.Unavailable, result.ExitCode);
        Assert.Contains("cannot reach the grid", result.Error, StringComparison.Ordinal);
        Assert.Contains("--tls/--tls-ca/--tls-cert", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_options_come_from_the_command_line_or_the_environment()
    {
        GridClientOptionsProbe probe = new();
        var environment = new Dictionary<string, string> { ["GRID_TLS"] = "true", ["GRID_TLS_CA"] = silo.Certificates.CaPath, ["GRID_TLS_CERT_PASSWORD"] = "pw" };
        await Cli.RunWithAsync(probe.Connect, ["exists", "k"], name => environment.GetValueOrDefault(name));
        Assert.True(probe.Options!.Tls.Enabled);
        Assert.Equal(silo.Certificates.CaPath, probe.Options.Tls.TrustedCaPath);
        Assert.Equal("pw", probe.Options.Tls.CertificatePassword);

        var usage = await Cli.RunWithoutGridAsync(["--tls-key", "k.pem", "exists", "k"]);
        Assert.Equal(GridExitCodes.Error, usage.ExitCode);
        Assert.Contains("--tls-key needs --tls-cert", usage.Error, StringComparison.Ordinal);
    }

    private sealed class GridClientOptionsProbe
    {
        public Client.GridClientOptions? Options { get; private set; }

        public Task<Client.IGridCache> Connect(Client.GridClientOptions options, CancellationToken cancellationToken)
        {
            Options = options;
            throw new GridUnavailableException("probe: not connecting");
        }
    }
}

/// <summary>One in-process silo (hosted as src/Silo hosts it) requiring mutual TLS, with test certificates.</summary>
public sealed class TlsSiloFixture : IAsyncLifetime
{
    private IHost? _host;

    public TestCertificates Certificates { get; } = TestCertificates.Create();

    public string[] GlobalOptions { get; private set; } = [];

    public async Task InitializeAsync()
    {
        int siloPort = FreePort();
        int gatewayPort = FreePort();
        GlobalOptions = ["--gateway", $"127.0.0.1:{gatewayPort}", "--cluster-id", "cli-tls", "--service-id", "cli-tls"];
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddGridSilo(options =>
        {
            options.MaxMemoryBytes = 64L << 20;
            options.Clustering.SiloPort = siloPort;
            options.Clustering.GatewayPort = gatewayPort;
            options.Clustering.ClusterId = "cli-tls";
            options.Clustering.ServiceId = "cli-tls";
            options.Tls.Enabled = true;
            options.Tls.CertificatePath = Certificates.Silo.CertificatePath;
            options.Tls.KeyPath = Certificates.Silo.KeyPath;
            options.Tls.TrustedCaPath = Certificates.CaPath;
            options.Tls.ClientCertificateMode = GridClientCertificateMode.Require;
        });
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        Certificates.Dispose();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
