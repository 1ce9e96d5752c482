using System.Text;
using Grid.Client;
using Grid.Cluster.Tests.Elasticity;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Partitioning;
using Grid.Tests.Shared.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Cluster.Tests.Replication;

/// <summary>
/// The primary's re-seed path: a replica that cannot follow a hash or list delta (here: its copy of the hash is gone)
/// drops its whole copy and tells the primary, which seeds it again; the writer is answered only once the new seed holds
/// its change, and afterwards the replica equals the primary.
/// </summary>
[Collection(ElasticityCollection.Name)]
public sealed class ReseedTests
{
    private const string HashKey = "{reseed}:hash";

    [Fact]
    public async Task A_replica_that_cannot_follow_a_delta_is_seeded_again_and_then_equals_its_primary()
    {
        await using var scenario = await ScenarioCluster.StartAsync(2, clients: 0);
        var cache = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions { NearCache = { Enabled = false } });
        await cache.HashSetAsync(HashKey, "f1", Encoding.UTF8.GetBytes("v1"));
        for (int i = 0; i < 10; i++)
        {
            await cache.SetAsync($"{{reseed}}:s{i}", Encoding.UTF8.GetBytes($"s{i}"));
        }

        // Partitions stop moving and every change reached its replica.
        await scenario.WaitUntilBalancedAsync(TimeSpan.FromSeconds(60));
        var outboxes = scenario.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ReplicationOutbox>()).ToArray();
        await Poll.UntilAsync(() => Task.FromResult(outboxes.All(o => o.PendingCount == 0)), TimeSpan.FromSeconds(30), "every change was shipped");

        int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(HashKey), PartitionHasher.DefaultPartitionCount);
        var primarySilo = scenario.Cluster.Silos.Single(s => s.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().TryGet(partition) is not null);
        var primary = primarySilo.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().TryGet(partition)!;
        var replicaSilo = scenario.Cluster.Silos.Single(s => !s.SiloAddress.Equals(primarySilo.SiloAddress));
        var replicas = replicaSilo.ServiceProvider.GetRequiredService<ReplicaRegistry>();
        var before = replicas.StoreOf(partition);
        Assert.True(before is not null, $"partition {partition} has no replica on {replicaSilo.SiloAddress}");
        Assert.Equal(SnapshotContents.Of(primary.Snapshot()), SnapshotContents.Of(replicas.Snapshot(partition)!));

        // The replica loses its copy of the hash behind its primary's back: the next field delta has nothing to apply to.
        before.ApplyReplicaRemove(Encoding.UTF8.GetBytes(HashKey));
        Assert.DoesNotContain(HashKey, SnapshotContents.Of(replicas.Snapshot(partition)!).Keys);

        await cache.HashSetAsync(HashKey, "f2", Encoding.UTF8.GetBytes("v2"));

        // Sync mode: the write above was answered once the new seed (which carries it) was acknowledged.
        await Poll.UntilAsync(() => Task.FromResult(outboxes.All(o => o.PendingCount == 0)), TimeSpan.FromSeconds(30), "the seed was shipped");
        var after = replicas.StoreOf(partition);
        Assert.True(after is not null, $"partition {partition} has no replica on {replicaSilo.SiloAddress} after the re-seed");

        // A seed replaces the replica's store; a delta or write would have changed the old one in place.
        Assert.NotSame(before, after);
        var primaryContents = SnapshotContents.Of(primary.Snapshot());
        Assert.Equal(primaryContents, SnapshotContents.Of(replicas.Snapshot(partition)!));
        Assert.StartsWith("h:f1=v1;f2=v2;", primaryContents[HashKey], StringComparison.Ordinal);
        Assert.Equal(11, primaryContents.Count);
        await cache.DisposeAsync();
    }
}
