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
}
