using Grid.Client;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace Grid.Cli.Tests;

/// <summary>A two-silo in-process cluster shared by the CLI's integration tests, with a connected cache to hand the CLI.</summary>
public sealed class CliClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public GridCache Cache { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddGrid(options =>
        {
            options.MaxMemoryBytes = 256L << 20;
            options.ExpirySweepInterval = TimeSpan.FromMilliseconds(50);
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Cache = await GridCache.ConnectAsync(Cluster.Client);
    }

    public async Task DisposeAsync()
    {
        Cache.Dispose();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CliClusterCollection : ICollectionFixture<CliClusterFixture>
{
    public const string Name = "cli-cluster";
}
