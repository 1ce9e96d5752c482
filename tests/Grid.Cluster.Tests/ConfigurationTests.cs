using Grid.Client;
using Grid.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ConfigurationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Client_with_a_different_partition_count_is_refused_at_connect()
    {
        var error = await Assert.ThrowsAsync<GridConfigurationException>(() => fixture.ConnectAsync(new GridClientOptions { PartitionCount = 512 }));
        Assert.Contains("512", error.Message, StringComparison.Ordinal);
        Assert.Contains("1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_without_batching_gives_the_same_answers()
    {
        using var direct = await fixture.ConnectAsync(new GridClientOptions { Batching = false });
        var key = $"direct:{Guid.NewGuid():N}";
        await direct.SetStringAsync(key, "v");
        Assert.Equal("v", await fixture.Cache.GetStringAsync(key));
        Assert.Equal(3, await direct.IncrementAsync(key + ":n", 3));
        var values = await direct.GetManyAsync([key, key + ":missing"]);
        Assert.Equal("v"u8.ToArray(), values[0]);
        Assert.Null(values[1]);
    }

    [Fact]
    public void Unknown_silo_setting_fails_with_its_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Grid:MaxMemoryByts"] = "100" }).Build();
        var error = Assert.Throws<GridConfigurationException>(() => GridSiloHostingExtensions.BindOptions(configuration));
        Assert.StartsWith("Grid:MaxMemoryByts is not a setting (from ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("did you mean Grid:MaxMemoryBytes?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Grid:Limits:MaxKeyByts", "Grid:Limits:MaxKeyByts is not a setting", "did you mean Grid:Limits:MaxKeyBytes?")]
    [InlineData("Grid:Nonsense", "Grid:Nonsense is not a setting", "see the Grid settings in the README")]
    public void Unknown_nested_silo_settings_are_named_by_their_full_path(string key, string start, string? end)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = "1" }).Build();
        var error = Assert.Throws<GridConfigurationException>(() => GridSiloHostingExtensions.BindOptions(configuration));
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
        if (end is not null)
        {
            Assert.EndsWith(end, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_silo_setting_of_the_wrong_form_names_the_setting_and_the_value()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Grid:ExpirySweepInterval"] = "often" }).Build();
        var error = Assert.Throws<GridConfigurationException>(() => GridSiloHostingExtensions.BindOptions(configuration));
        Assert.Contains("'often' at 'Grid:ExpirySweepInterval'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_client_setting_fails_with_its_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GridClient:PartitionCont"] = "1024" });
        var error = Assert.Throws<GridConfigurationException>(() => builder.AddGridCache());
        Assert.StartsWith("GridClient:PartitionCont is not a setting", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("did you mean GridClient:PartitionCount?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_client_setting_from_configuration_stops_start_up_in_one_line()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GridClient:MaxBatchSize"] = "0" });
        builder.AddGridCache();
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal("GridClient:MaxBatchSize must be between 1 and 65536 (it is 0).", Assert.Single(error.Failures));
    }

    [Theory]
    [InlineData("Grid:MaxMemoryBytes", "0", "MaxMemoryBytes")]
    [InlineData("Grid:PartitionCount", "0", "PartitionCount")]
    [InlineData("Grid:Limits:MaxKeyBytes", "70000", "MaxKeyBytes")]
    [InlineData("Grid:ExpirySweepInterval", "00:00:00", "ExpirySweepInterval")]
    [InlineData("Grid:Clustering:GatewayPort", "11111", "GatewayPort")]
    [InlineData("Grid:Persistence:Interval", "-00:00:01", "Persistence:Interval")]
    public async Task Invalid_silo_settings_fail_start_up_naming_the_setting(string key, string value, string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.AddGridSilo();
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(name, Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_client_settings_fail_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => ClientOptions(o => o.MaxBatchSize = 0));
        Assert.Equal("GridClient:MaxBatchSize must be between 1 and 65536 (it is 0).", Assert.Single(error.Failures));
        error = Assert.Throws<OptionsValidationException>(() => ClientOptions(o => o.Clustering.Gateways = ["nonsense"]));
        Assert.Contains("nonsense", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    /// <summary>The client options a container with <c>AddGridCache(configure)</c> resolves (validated on first use).</summary>
    private static GridClientOptions ClientOptions(Action<GridClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGridCache(configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<GridClientOptions>>().Value;
    }
}
