using System.Text;
using Grid.Client;
using Grid.Grains.Cluster;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Grid.Cluster.Tests.Elasticity;

/// <summary>
/// Without replicas (<c>Replicas = 0</c>) a hand-off must not depend on Orleans delivering the migration: Orleans drops a
/// migrating activation's state, telling no one, when the target silo already has an activation of the grain (even a
/// deactivating one). CI once lost an acknowledged write that way in a graceful stop under load. A stopping silo now
/// leaves a copy of each partition on the silo it migrates to, a moved partition's former primary keeps one, the
/// partition's next activation looks for copies on every silo, and the activation that takes the partition over
/// tells the holders to drop them.
/// </summary>
[Collection(ElasticityCollection.Name)]
public sealed class HandOffCopyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_partition_whose_migration_was_dropped_comes_back_from_a_copy_parked_on_a_silo_it_does_not_activate_on()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 3, clients: 1, configure: o => o.Replication.Replicas = 0);
        var cache = scenario.Caches[0];
        const string key = "handoff:dropped";
        var (partition, primary, snapshot) = await WriteAsync(scenario, key, "kept");

        // Once the primary is gone the partition activates on the rendezvous owner among the two others: park the copy on
        // the other one, as a stopping silo whose migration target changed would have, so only asking every silo finds it.
        var remaining = scenario.Cluster.Silos.Where(s => !s.Equals(primary)).ToArray();
        var seeds = remaining.Select(s => PartitionOwnership.SiloSeed(s.SiloAddress.ToParsableString())).ToArray();
        var nextOwner = remaining[PartitionOwnership.Owner(seeds, partition)];
        var holder = remaining.Single(s => !s.Equals(nextOwner));
        var agent = scenario.Cluster.Client.GetGrain<ISiloAgentGrain>(holder.SiloAddress.ToParsableString());
        Assert.True(await agent.Park(partition, snapshot));

        // The primary vanishes with the entries; its migration never happens.
        await scenario.Cluster.KillSiloAsync(primary);
        await scenario.WaitForActiveSilosAsync(2, Timeout);
        await scenario.WaitForSiloViewsAsync(2, Timeout);

        string? value = null;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                value = await cache.GetStringAsync(key);
                return true;
            }
            catch (GridException)
            {
                return false;
            }
        }, Timeout, "the key can be read after the kill");
        Assert.Equal("kept", value);

        // The activation that took the partition over told the holder to drop its copy.
        await Poll.UntilAsync(() => Task.FromResult(!holder.ServiceProvider.GetRequiredService<ReplicaRegistry>().Partitions().Contains(partition)), Timeout, "the holder dropped its copy");
    }

    [Fact]
    public async Task A_silo_refuses_a_copy_of_a_partition_that_is_live_on_it()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 2, clients: 1, configure: o => o.Replication.Replicas = 0);
        var (partition, primary, snapshot) = await WriteAsync(scenario, "handoff:live", "live");
        var agent = scenario.Cluster.Client.GetGrain<ISiloAgentGrain>(primary.SiloAddress.ToParsableString());

        Assert.False(await agent.Park(partition, snapshot));
        Assert.DoesNotContain(partition, primary.ServiceProvider.GetRequiredService<ReplicaRegistry>().Partitions());
    }

    [Fact]
    public async Task Without_replicas_no_copy_outlives_a_graceful_stop_or_a_move()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 3, clients: 1, configure: o => o.Replication.Replicas = 0);
        var cache = scenario.Caches[0];
        var keys = Enumerable.Range(0, 2_000).Select(i => $"handoff:{i}").ToArray();
        foreach (var chunk in keys.Chunk(200))
        {
            await cache.SetManyAsync(chunk.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(k))).ToList());
        }

        // An explicit move: the former primary keeps a copy until the partition is live on its target.
        await PartitionMoves.MoveToAnotherSiloAsync(scenario.Cluster, PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(keys[0]), 1024));

        // A graceful stop: every partition of the stopping silo leaves a copy where it goes.
        await scenario.Cluster.StopSiloAsync(scenario.Cluster.Silos[^1]);
        await scenario.WaitForActiveSilosAsync(2, Timeout);

        foreach (var chunk in keys.Chunk(200))
        {
            var values = await cache.GetManyAsync(chunk);
            for (int i = 0; i < chunk.Length; i++)
            {
                Assert.True(values[i] is { } v && Encoding.UTF8.GetString(v) == chunk[i], $"{chunk[i]} was lost");
            }
        }

        await Poll.UntilAsync(() => Task.FromResult(Copies(scenario.Cluster) == 0), Timeout, "no silo keeps a copy of any partition");
    }

    /// <summary>Writes <paramref name="key"/>; returns its partition, the silo where that partition is live, and the copy its migration would carry.</summary>
    private static async Task<(int Partition, InProcessSiloHandle Primary, StoreSnapshot Snapshot)> WriteAsync(ScenarioCluster scenario, string key, string value)
    {
        await scenario.Caches[0].SetStringAsync(key, value);
        int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), 1024);
        var primary = scenario.Cluster.Silos.Single(s => s.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().TryGet(partition) is not null);
        return (partition, primary, primary.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().TryGet(partition)!.Snapshot());
    }

    private static int Copies(InProcessTestCluster cluster) =>
        cluster.Silos.Where(s => s.IsActive).Sum(s => s.ServiceProvider.GetRequiredService<ReplicaRegistry>().Partitions().Count());
}
