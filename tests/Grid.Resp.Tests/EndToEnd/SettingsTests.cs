namespace Grid.Resp.Tests.EndToEnd;

/// <summary>Grid:Resp settings are validated with the silo's: a bad one stops the silo with one line naming it.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("Grid__Resp__Port", "70000", "Grid:Resp:Port")]
    [InlineData("Grid__Resp__MaxClients", "0", "Grid:Resp:MaxClients")]
    [InlineData("Grid__Resp__MaxBulkBytes", "12", "Grid:Resp:MaxBulkBytes")]
    [InlineData("Grid__Resp__Address", "nowhere", "Grid:Resp:Address")]
    [InlineData("Grid__Resp__Enabeld", "true", "Grid:Resp:Enabeld")]
    [InlineData("Grid__Resp__Password", " ", "Grid:Resp:Password")]
    [InlineData("Grid__Resp__MaxQueryBufferBytes", "1000", "Grid:Resp:MaxQueryBufferBytes")]
    [InlineData("Grid__Resp__MaxBulkBytes", "134217728", "Grid:Resp:MaxQueryBufferBytes")]
    [InlineData("Grid__InlineSocketCompletions", "sometimes", "Grid:InlineSocketCompletions")]
    public async Task Bad_setting_stops_the_silo_naming_it(string variable, string value, string setting)
    {
        await using var silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string> { [variable] = value }, waitUntilReady: false);
        int exitCode = await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exitCode);
        var lines = silo.Process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("Grid silo cannot start", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Contains(setting, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_without_inline_socket_completions_serves_pipelined_commands_in_order()
    {
        // The default runs connections on the socket engine's thread; the setting off goes back to the thread pool's
        // hand-offs, which must serve the same.
        await using var silo = await RespSilo.StartAsync(new Dictionary<string, string> { ["Grid__InlineSocketCompletions"] = "false" });
        await using var client = await RawRespClient.ConnectAsync(silo.Port);
        string replies = await client.RunAsync(["ping", "set inline.off v1", "append inline.off 2", "get inline.off", "incr inline.count", "incr inline.count"]);
        Assert.Equal("+PONG\r\n+OK\r\n:3\r\n$3\r\nv12\r\n:1\r\n:2\r\n", replies);
    }

    [Fact]
    public async Task Resp_port_in_use_stops_the_silo_naming_it()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        await using var silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string>
        {
            ["Grid__Resp__Enabled"] = "true",
            ["Grid__Resp__Address"] = "127.0.0.1",
            ["Grid__Resp__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, waitUntilReady: false);
        Assert.Equal(2, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Grid:Resp:Port", silo.Process.Output, StringComparison.Ordinal);
    }
}
