using Grid.Client;
using Grid.Grains.Hosting;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace Grid.Cluster.Tests;

/// <summary>A two-silo in-process cluster shared by the tests of a collection, with a connected cache.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public GridCache Cache { get; private set; } = null!;

    protected virtual short SiloCount => 2;

    protected virtual void ConfigureGrid(GridSiloOptions options)
    {
        options.MaxMemoryBytes = 512L << 20;
        options.ExpirySweepInterval = TimeSpan.FromMilliseconds(50);

        // Two entry activations (a silo on 2 cores or fewer runs one by default): the tests go through the
        // client's lanes and the silo's several data-plane activations.
        options.DataPlaneShards = 2;

        // Tests here move partitions by hand; the balancer (tested in Elasticity/) would move them back.
        options.Balancing.Enabled = false;
    }

    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(SiloCount);
        builder.ConfigureSilo((_, silo) =>
        {
            ConfigureSilo(silo);
            silo.AddGrid(ConfigureGrid);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        // The shared cache tests the grid itself; near-cache tests connect their own clients.
        Cache = await GridCache.ConnectAsync(Cluster.Client, new GridClientOptions { NearCache = { Enabled = false } });
    }

    /// <summary>A second cache over the same cluster client, with other options.</summary>
    public Task<GridCache> ConnectAsync(GridClientOptions options) => GridCache.ConnectAsync(Cluster.Client, options);

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
