using Grid.Client;
using Grid.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        var error = Assert.Throws<InvalidOperationException>(() => GridSiloHostingExtensions.BindOptions(configuration));
        Assert.Contains("MaxMemoryByts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_client_setting_fails_with_its_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GridClient:PartitionCont"] = "1024" });
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddGridCache());
        Assert.Contains("PartitionCont", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Grid:MaxMemoryBytes", "0", "MaxMemoryBytes")]
    [InlineData("Grid:PartitionCount", "0", "PartitionCount")]
    [InlineData("Grid:Limits:MaxKeyBytes", "70000", "MaxKeyBytes")]
    [InlineData("Grid:ExpirySweepInterval", "00:00:00", "ExpirySweepInterval")]
    [InlineData("Grid:Clustering:GatewayPort", "11111", "GatewayPort")]
    public void Invalid_silo_settings_fail_start_up_naming_the_setting(string key, string value, string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        var error = Assert.ThrowsAny<ArgumentException>(() => builder.AddGridSilo());
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_client_settings_fail_naming_the_setting()
    {
        var services = new ServiceCollection();
        var error = Assert.ThrowsAny<ArgumentException>(() => services.AddGridCache(o => o.MaxBatchSize = 0));
        Assert.Contains("MaxBatchSize", error.Message, StringComparison.Ordinal);
        error = Assert.ThrowsAny<ArgumentException>(() => services.AddGridCache(o => o.Clustering.Gateways = ["nonsense"]));
        Assert.Contains("nonsense", error.Message, StringComparison.Ordinal);
    }
}
