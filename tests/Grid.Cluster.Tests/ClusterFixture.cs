using Grid.Client;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace Grid.Cluster.Tests;

/// <summary>A two-silo in-process cluster shared by the tests of a collection, with a connected cache.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public GridCache Cache { get; private set; } = null!;

    protected virtual short SiloCount => 2;

    protected virtual void ConfigureGrid(Grains.Hosting.GridSiloOptions options)
    {
        options.MaxMemoryBytes = 512L << 20;
        options.ExpirySweepInterval = TimeSpan.FromMilliseconds(50);
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(SiloCount);
        builder.ConfigureSilo((_, silo) => silo.AddGrid(ConfigureGrid));
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
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
