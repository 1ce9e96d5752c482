using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Grid.EndToEnd.Tests.FirstHour;

/// <summary>
/// Start-up and configuration errors of the real processes (the silo, the sample app, the <c>grid</c> tool): each ends
/// with one line on stderr that names the setting and what to do, and a documented exit code (<see cref="GridExitCodes"/>),
/// never "Unhandled exception" and a stack trace.
/// </summary>
public sealed class StartupFailureTests
{
    private static readonly TimeSpan ExitWithin = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Grid__Admin__Token", "short", "Grid silo cannot start: Grid:Admin:Token must hold at least 16 characters.")]
    [InlineData("Grid__PartitonCount", "8", "Grid silo cannot start: Grid:PartitonCount is not a setting (from environment variable Grid__PartitonCount); did you mean Grid:PartitionCount?")]
    [InlineData("Grid__Admin__Dashboard__Enabeld", "true", "Grid silo cannot start: Grid:Admin:Dashboard:Enabeld is not a setting (from environment variable Grid__Admin__Dashboard__Enabeld); did you mean Grid:Admin:Dashboard:Enabled?")]
    [InlineData("Grid__ShutdownTimeout", "soon", "Grid silo cannot start: Failed to convert configuration value 'soon' at 'Grid:ShutdownTimeout' to type 'System.TimeSpan'")]
    [InlineData("Grid__Clustering__GatewayPort", "70000", "Grid silo cannot start: Grid:Clustering:GatewayPort must be a TCP port (1-65535) (it is 70000).")]
    [InlineData("Grid__Persistence__Enabled", "true", "Grid silo cannot start: Grid:Persistence:Directory must be set when Grid:Persistence:Enabled is true (a directory the silo may write, e.g. a volume's mount path).")]
    public async Task A_bad_silo_setting_is_one_line_naming_it_and_exit_code_2(string variable, string value, string expected)
    {
        await using var silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string> { [variable] = value }, waitUntilReady: false);

        int exitCode = await silo.Process.WaitForExitAsync(ExitWithin);

        AssertOneLineFailure(silo.Process.Output, exitCode, GridExitCodes.Error, expected);
    }

    [Fact]
    public async Task Several_invalid_silo_settings_are_one_line_each_and_exit_code_2()
    {
        var settings = new Dictionary<string, string> { ["Grid__PartitionCount"] = "0", ["Grid__Tags__IndexShards"] = "0" };
        await using var silo = await SiloProcess.StartAsync(redis: null, settings, waitUntilReady: false);

        int exitCode = await silo.Process.WaitForExitAsync(ExitWithin);

        string[] lines = silo.Process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == GridExitCodes.Error, $"exit code {exitCode}. Output:\n{silo.Process.Output}");
        Assert.Equal(
            [
                "Grid silo cannot start: Grid:PartitionCount must be between 1 and 65536 (it is 0).",
                "Grid silo cannot start: Grid:Tags:IndexShards must be between 1 and 1024 (it is 0).",
            ],
            lines);
    }

    [Fact]
    public async Task A_certificate_file_that_is_not_a_certificate_is_one_line_naming_the_setting()
    {
        string notACertificate = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(notACertificate, "not a certificate");
            var settings = new Dictionary<string, string> { ["Grid__Tls__Enabled"] = "true", ["Grid__Tls__CertificatePath"] = notACertificate };
            await using var silo = await SiloProcess.StartAsync(redis: null, settings, waitUntilReady: false);

            int exitCode = await silo.Process.WaitForExitAsync(ExitWithin);

            AssertOneLineFailure(silo.Process.Output, exitCode, GridExitCodes.Error,
                $"Grid silo cannot start: Grid:Tls:CertificatePath: cannot load the certificate from '{notACertificate}': ");
        }
        finally
        {
            File.Delete(notACertificate);
        }
    }

    [Fact]
    public async Task A_silo_whose_gateway_port_is_taken_says_so_instead_of_sharing_it()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var silo = await SiloProcess.StartAsync(redis: null, waitUntilReady: false, gatewayPort: port);
        int exitCode = await silo.Process.WaitForExitAsync(ExitWithin);

        AssertOneLineFailure(silo.Process.Output, exitCode, GridExitCodes.Error,
            $"Grid silo cannot start: port {port} on 127.0.0.1 (Grid:Clustering:GatewayPort) is already in use (is another silo running?)");
    }

    [Fact]
    public async Task A_second_silo_on_the_same_ports_stops_with_one_line_and_the_first_keeps_running()
    {
        await using var first = await SiloProcess.StartAsync(redis: null);
        await using var second = await SiloProcess.StartAsync(redis: null, waitUntilReady: false, siloPort: first.SiloPort, gatewayPort: first.GatewayPort);

        int exitCode = await second.Process.WaitForExitAsync(ExitWithin);

        AssertOneLineFailure(second.Process.Output, exitCode, GridExitCodes.Error,
            $"Grid silo cannot start: port {first.SiloPort} on 127.0.0.1 (Grid:Clustering:SiloPort) is already in use (is another silo running?): stop the other process, or give this silo its own ports");
        Assert.False(first.Process.HasExited);
    }

    [Fact]
    public async Task A_silo_whose_admin_port_is_taken_stops_before_joining_with_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string> { ["Grid__Admin__Port"] = port.ToString(CultureInfo.InvariantCulture) }, waitUntilReady: false);
        int exitCode = await silo.Process.WaitForExitAsync(ExitWithin);

        AssertOneLineFailure(silo.Process.Output, exitCode, GridExitCodes.Error,
            $"Grid silo cannot start: port {port} on 127.0.0.1 (Grid:Admin:Port) is already in use (is another silo running?): stop the other process, or give this silo another admin port");
        Assert.DoesNotContain("Orleans Silo started", silo.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_application_without_a_grid_gets_one_clear_GridUnavailableException_from_its_host()
    {
        string nobody = $"127.0.0.1:{FreePort.Next()}";

        var error = await Assert.ThrowsAsync<GridUnavailableException>(() => ClientHost.StartAsync(o =>
        {
            o.Clustering.Gateways = [nobody];
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        }));

        Assert.StartsWith($"cannot reach the grid at {nobody}: connection refused (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("is a silo running there? start a local silo with 'dotnet run --project src/Silo', or point GridClient:Clustering:Gateways (or GridClient:Clustering:Redis) at a running grid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task The_sample_without_a_grid_says_where_it_looked_and_how_to_start_a_silo_and_exits_3()
    {
        int nobody = FreePort.Next();
        await using var sample = ManagedProcess.Start("dotnet",
            [Sample(), "--urls=http://127.0.0.1:0", $"--GridClient:Clustering:Gateways:0=127.0.0.1:{nobody}", "--GridClient:ConnectTimeout=00:00:02"]);

        int exitCode = await sample.WaitForExitAsync(ExitWithin);

        AssertOneLineFailure(WithoutRetryWarnings(sample.Output), exitCode, GridExitCodes.Unavailable,
            $"Grid sample cannot start: cannot reach the grid at 127.0.0.1:{nobody}: connection refused (");
        Assert.Contains("start a local silo with 'dotnet run --project src/Silo'", sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_with_a_misspelt_client_setting_names_it_and_exits_2()
    {
        await using var sample = ManagedProcess.Start("dotnet", [Sample(), "--urls=http://127.0.0.1:0", "--GridClient:Clustering:Gatways:0=127.0.0.1:30000"]);

        int exitCode = await sample.WaitForExitAsync(ExitWithin);

        AssertOneLineFailure(sample.Output, exitCode, GridExitCodes.Error,
            "Grid sample cannot start: GridClient:Clustering:Gatways is not a setting (from command-line argument --GridClient:Clustering:Gatways:0); did you mean GridClient:Clustering:Gateways?");
    }

    [Fact]
    public async Task The_grid_tool_without_a_grid_is_one_line_and_exit_code_3()
    {
        int nobody = FreePort.Next();
        await using var cli = ManagedProcess.Start("dotnet", [RepoPaths.Output("src/Cli", "Grid.Cli.dll"), "get", "k", "--gateway", $"127.0.0.1:{nobody}", "--connect-timeout", "1s"]);

        int exitCode = await cli.WaitForExitAsync(ExitWithin);

        AssertOneLineFailure(cli.Output, exitCode, GridExitCodes.Unavailable,
            $"error: cannot reach the grid at 127.0.0.1:{nobody}: connection refused (");
        Assert.Contains("start a local silo with 'dotnet run --project src/Silo', or point --gateway (or --cluster) at a running grid", cli.Output, StringComparison.Ordinal);
    }

    private static string Sample() => RepoPaths.Output("samples/Grid.Samples.WebApi", "Grid.Samples.WebApi.dll");

    /// <summary>The client's one-line warning per failed attempt, before it gives up, is expected; everything else counts.</summary>
    private static string WithoutRetryWarnings(string output) => string.Join('\n', output
        .Split('\n')
        .Where(line => !line.StartsWith("warn: Grid.Client.Hosting.BackoffConnectionRetryFilter", StringComparison.Ordinal)
            && !line.TrimStart().StartsWith("Connecting to the grid failed (attempt", StringComparison.Ordinal)));

    private static void AssertOneLineFailure(string output, int exitCode, int expectedExitCode, string expectedStart)
    {
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == expectedExitCode, $"exit code {exitCode}, expected {expectedExitCode}. Output:\n{output}");
        Assert.True(lines.Length == 1, $"expected one line, got {lines.Length}:\n{output}");
        Assert.StartsWith(expectedStart, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
