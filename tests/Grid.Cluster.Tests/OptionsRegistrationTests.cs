using Grid.Client;
using Grid.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grid.Cluster.Tests;

/// <summary>
/// Grid's options are registered through the options system (bound strictly from their section, validated on start by
/// a generated validator), so an application's <c>Configure&lt;T&gt;</c> and <c>IOptionsMonitor&lt;T&gt;</c> work as
/// with any other library, and every failure is one line naming the setting. No cluster needed: nothing connects.
/// </summary>
public sealed class OptionsRegistrationTests
{
    [Fact]
    public void Configure_of_the_client_options_by_the_application_takes_effect()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddGridCache(o => o.MaxBatchSize = 100);
        builder.Services.Configure<GridClientOptions>(o =>
        {
            o.MaxBatchSize = 17;
            o.OperationTimeout = TimeSpan.FromSeconds(3);
        });
        builder.Services.PostConfigure<GridClientOptions>(o => o.NearCache.MaxEntries = 42);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<GridClientOptions>>().Value;
        Assert.Equal(17, options.MaxBatchSize);
        Assert.Equal(42, options.NearCache.MaxEntries);

        // The Orleans client under the cache takes its response timeout from the application's value too.
        Assert.Equal(TimeSpan.FromSeconds(3), host.Services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public void Configuration_wins_over_nothing_and_the_delegate_wins_over_configuration()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GridClient:MaxBatchSize"] = "64", ["GridClient:MaxBatchesInFlight"] = "3" });
        builder.AddGridCache(o => o.MaxBatchesInFlight = 5);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<GridClientOptions>>().Value;
        Assert.Equal((64, 5), (options.MaxBatchSize, options.MaxBatchesInFlight));
    }

    [Fact]
    public void The_options_monitor_sees_a_configuration_reload()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["GridClient:MaxBatchSize"] = "64" }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddGridCache();
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<GridClientOptions>>();
        Assert.Equal(64, monitor.CurrentValue.MaxBatchSize);

        configuration["GridClient:MaxBatchSize"] = "32";
        configuration.Reload();

        Assert.Equal(32, monitor.CurrentValue.MaxBatchSize);
    }

    [Fact]
    public async Task A_validator_failure_names_the_setting_its_rule_and_its_value()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GridClient:PartitionCount"] = "0",
            ["GridClient:NearCache:MaxStaleness"] = "00:00:00",
            ["GridClient:Limits:MaxKeyBytes"] = "70000",
        });
        builder.AddGridCache();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Every failure, one line each (not only the first).
        Assert.Equal(
            [
                "GridClient:PartitionCount must be between 1 and 65536 (it is 0).",
                "GridClient:NearCache:MaxStaleness must be positive and at most one day (it is 00:00:00).",
                "GridClient:Limits:MaxKeyBytes must be between 1 and 65535 (it is 70000).",
            ],
            error.Failures);
    }

    [Fact]
    public void A_silo_validator_failure_names_the_setting()
    {
        var result = new GridSiloOptionsValidator().Validate(null, new GridSiloOptions { PartitionCount = 0, Clustering = { GatewayPort = 11111 } });

        Assert.Equal(
            [
                "Grid:PartitionCount must be between 1 and 65536 (it is 0).",
                "Grid:Clustering:SiloPort and GatewayPort must differ (both are 11111).",
            ],
            result.Failures);
    }

    [Fact]
    public void A_misspelt_client_key_is_rejected_when_the_options_are_read()
    {
        // AddGridCache on a plain service collection binds the container's configuration when the options are first read.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["GridClient:PartitonCount"] = "8" }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddGridCache();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<GridConfigurationException>(() => provider.GetRequiredService<IOptions<GridClientOptions>>().Value);
        Assert.StartsWith("GridClient:PartitonCount is not a setting (from ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("did you mean GridClient:PartitionCount?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_clustering_after_AddGridCache_stops_start_up_naming_it()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddGridCache();
        builder.Services.Configure<GridClientOptions>(o => o.Clustering.Gateways = ["10.0.0.1:30000"]);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.StartsWith("GridClient:Clustering was changed after AddGridCache", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_validator_can_be_used_on_its_own()
    {
        // The grid tool and direct callers (GridCache.ConnectAsync) check options handed over without a container this way.
        var result = new GridClientOptionsValidator().Validate(null, new GridClientOptions { MaxBatchesInFlight = 0 });
        Assert.Equal("GridClient:MaxBatchesInFlight must be between 1 and 1024 (it is 0).", Assert.Single(result.Failures!));
    }
}
