using Grid.Client;
using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Partitioning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Grid.Cluster.Tests.Elasticity;

/// <summary>A fresh in-process cluster for one scenario that changes its topology (join, stop, kill), with helpers to watch it.</summary>
internal sealed class ScenarioCluster : IAsyncDisposable
{
    private readonly List<GridCache> _caches = [];

    private ScenarioCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IReadOnlyList<GridCache> Caches => _caches;

    public static async Task<ScenarioCluster> StartAsync(short silos, int clients = 3, Action<GridSiloOptions>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) => silo.AddGrid(o =>
        {
            o.MaxMemoryBytes = 256L << 20;
            o.Balancing.SettleDelay = TimeSpan.FromMilliseconds(500);
            o.Balancing.LoadRefreshInterval = TimeSpan.FromMilliseconds(500);
            configure?.Invoke(o);
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var scenario = new ScenarioCluster(cluster);
        for (int i = 0; i < clients; i++)
        {
            scenario._caches.Add(await GridCache.ConnectAsync(cluster.Client, new GridClientOptions { RoutingRefreshInterval = TimeSpan.FromSeconds(1) }));
        }

        return scenario;
    }

    /// <summary>Partitions live on each active silo.</summary>
    public Dictionary<SiloAddress, int> PartitionsPerSilo()
    {
        var counts = new Dictionary<SiloAddress, int>();
        foreach (var silo in Cluster.Silos)
        {
            if (silo.IsActive)
            {
                counts[silo.SiloAddress] = silo.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().All.Length;
            }
        }

        return counts;
    }

    /// <summary>True when every live partition sits on its rendezvous owner among the active silos (and, when given, that many partitions are live).</summary>
    public bool IsBalanced(int? partitions = null)
    {
        if (partitions is { } expected && PartitionsPerSilo().Values.Sum() != expected)
        {
            return false;
        }

        var active = Cluster.Silos.Where(s => s.IsActive).Select(s => s.SiloAddress).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var seeds = active.Select(s => PartitionOwnership.SiloSeed(s.ToParsableString())).ToArray();
        foreach (var silo in Cluster.Silos.Where(s => s.IsActive))
        {
            foreach (var store in silo.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().All)
            {
                if (!active[PartitionOwnership.Owner(seeds, store.Partition)].Equals(silo.SiloAddress))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Waits until the balancer has put every partition on its owner.</summary>
    public Task WaitUntilBalancedAsync(TimeSpan timeout, int? partitions = null) =>
        Poll.UntilAsync(() => Task.FromResult(IsBalanced(partitions)), timeout, "every partition sits on its rendezvous owner");

    /// <summary>Waits until every client-visible silo count equals <paramref name="silos"/>.</summary>
    /// <remarks>A management call can land on a silo that was just killed and hang until the response timeout: each attempt
    /// is bounded and a timed-out one counts as "not yet".</remarks>
    public Task WaitForActiveSilosAsync(int silos, TimeSpan timeout) =>
        Poll.UntilAsync(async () =>
        {
            try
            {
                var hosts = await Cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(2));
                return hosts.Count == silos;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, timeout, $"{silos} silos are active");

    /// <summary>Waits until every active silo's own cluster view (what replication and balancing use) counts <paramref name="silos"/> silos.</summary>
    public Task WaitForSiloViewsAsync(int silos, TimeSpan timeout) =>
        Poll.UntilAsync(() => Task.FromResult(Cluster.Silos.Where(s => s.IsActive).All(s => s.ServiceProvider.GetRequiredService<Grid.Grains.Cluster.ClusterView>().Current.Silos.Length == silos)), timeout, $"every silo sees {silos} active silos");

    /// <summary>Replication items not yet acknowledged, per active silo.</summary>
    public string OutboxPending() => string.Join(", ", Cluster.Silos.Where(s => s.IsActive).Select(s => s.ServiceProvider.GetRequiredService<Grid.Grains.Replication.ReplicationOutbox>().PendingCount));

    /// <summary>Asserts that no silo holds more or fewer than <paramref name="tolerance"/> around the average number of partitions.</summary>
    public static string Spread(Dictionary<SiloAddress, int> counts, double tolerance, out bool within)
    {
        double average = counts.Values.Average();
        within = counts.Values.All(c => Math.Abs(c - average) <= tolerance * average);
        return string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")) + $" (average {average:0.0})";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }

        await Cluster.DisposeAsync();
    }
}
