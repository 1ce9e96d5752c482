using Grid.Grains.Partitions;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Grid.Cluster.Tests;

/// <summary>Where a partition lives in an in-process cluster, and moving it by hand (the balancer is off in these tests).</summary>
internal static class PartitionMoves
{
    /// <summary>The silo whose store of <paramref name="partition"/> is live, or null when none is.</summary>
    public static SiloAddress? HostOf(InProcessTestCluster cluster, int partition) =>
        cluster.Silos.FirstOrDefault(s => s.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().TryGet(partition) is not null)?.SiloAddress;

    /// <summary>Moves live partition <paramref name="partition"/> to another silo and waits until its store is live there; returns that silo.</summary>
    public static async Task<SiloAddress> MoveToAnotherSiloAsync(InProcessTestCluster cluster, int partition, string what = "")
    {
        var from = HostOf(cluster, partition) ?? throw new InvalidOperationException($"partition {partition} is not active");
        var to = cluster.Silos.Select(s => s.SiloAddress).First(s => !s.Equals(from));
        await cluster.MigrateAsync(cluster.Client.GetGrain<IPartitionGrain>(partition), to);
        await Poll.UntilAsync(() => Task.FromResult(to.Equals(HostOf(cluster, partition))), TimeSpan.FromSeconds(20), $"{what}the partition arrived on {to} (now on {HostOf(cluster, partition)})");
        return to;
    }
}
