using System.Text;
using Grid.Client;
using Grid.Grains.Balancing;
using Grid.Grains.Cluster;
using Grid.Grains.Partitions;
using Grid.Partitioning;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Grid.Cluster.Tests.Elasticity;

[Collection(ElasticityCollection.Name)]
public sealed class MemoryAwarePlacementTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_near_its_memory_budget_receives_no_new_partitions()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 2, clients: 1, configure: o =>
        {
            o.MaxMemoryBytes = 4L << 20;
            o.Balancing.MemoryHighWatermark = 0.5;
        });
        var cache = scenario.Caches[0];
        var silos = scenario.Cluster.Silos;
        var view = silos[0].ServiceProvider.GetRequiredService<ClusterView>().Current;
        var full = silos[1].SiloAddress;
        var other = silos[0].SiloAddress;

        // Fill the second silo past half its budget through partitions it owns.
        var value = new byte[16 * 1024];
        var usedPartitions = new HashSet<int>();
        int written = 0;
        for (int i = 0; written < 160; i++)
        {
            string key = $"fill:{i}";
            int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), 1024);
            if (full.Equals(view.Owner(partition)) && usedPartitions.Count < 8 | usedPartitions.Contains(partition))
            {
                usedPartitions.Add(partition);
                await cache.SetAsync(key, value);
                written++;
            }
        }

        await Poll.UntilAsync(
            () => Task.FromResult(silos.All(s => s.ServiceProvider.GetRequiredService<SiloLoadTable>().IsFull(full))),
            TimeSpan.FromSeconds(30),
            "every silo sees the second silo above its high watermark");

        // Partitions the full silo owns but that were never used activate on the other silo instead.
        var fresh = new List<(string Key, int Partition)>();
        for (int i = 0; fresh.Count < 10; i++)
        {
            string key = $"fresh:{i}";
            int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), 1024);
            if (full.Equals(view.Owner(partition)) && !usedPartitions.Contains(partition) && fresh.TrueForAll(f => f.Partition != partition))
            {
                fresh.Add((key, partition));
                await cache.SetStringAsync(key, "v");
            }
        }

        var onFull = silos[1].ServiceProvider.GetRequiredService<PartitionStoreRegistry>();
        var onOther = silos[0].ServiceProvider.GetRequiredService<PartitionStoreRegistry>();
        output.WriteLine($"second silo at {silos[1].ServiceProvider.GetRequiredService<SiloLoadTable>().FractionOf(full):P0} of its budget");
        foreach (var (key, partition) in fresh)
        {
            Assert.Null(onFull.TryGet(partition));
            Assert.NotNull(onOther.TryGet(partition));
            Assert.Equal("v", await cache.GetStringAsync(key));
        }

        // Nor does the balancer move partitions there while it stays full.
        var balancer = silos[0].ServiceProvider.GetRequiredService<PartitionBalancer>();
        Assert.Equal(0, await balancer.BalanceAsync(0, CancellationToken.None));
        Assert.True(fresh.All(f => onOther.TryGet(f.Partition) is not null), "partitions stayed on the silo with room");
        Assert.NotEqual(other, full);
    }
}
