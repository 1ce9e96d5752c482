using System.Text;
using Grid.Client;
using Grid.Protocol;
using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Partitioning;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// Orleans may deactivate a partition's activation while it is still activating (its grain directory entry lived on a
/// silo that just died): it cancels <c>OnActivateAsync</c>, stops waiting for it, never calls <c>OnDeactivateAsync</c>,
/// and starts the next activation when the next call comes. The fault-injection suite lost an acknowledged write that
/// way after a kill: the abandoned activation had taken the partition's only copy (the replica on its silo), the next
/// one found nothing, started empty, and its store replaced the first's. Here the abandonment is made on purpose,
/// between the recovery and the end of the activation, and every entry must still be there afterwards.
/// </summary>
public sealed class AbandonedActivationTests(AbandonedActivationTests.Fixture fixture) : IClassFixture<AbandonedActivationTests.Fixture>
{
    private const int Keys = 20;

    [Theory]
    [InlineData(0)]
    [InlineData(300)]
    public async Task A_partition_whose_activation_Orleans_abandons_comes_back_with_every_entry(int abandonedActivationRunsOnMs)
    {
        var cache = fixture.Cache;
        string tag = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, Keys).Select(i => $"abandoned:{{{tag}}}:{i}").ToArray();
        int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(keys[0]), 1024);
        foreach (var key in keys)
        {
            await cache.SetStringAsync(key, key);
        }

        var before = StoreOf(partition);
        Assert.NotNull(before);

        // Deactivated in place (as Orleans does after a directory failure): the entries are parked on the silo, the
        // only copy with no replicas. The next activation recovers them, and is abandoned right after.
        AbandoningRecovery.Arm(partition, TimeSpan.FromMilliseconds(abandonedActivationRunsOnMs));
        await fixture.Cluster.DeactivateAsync(fixture.Cluster.Client.GetGrain<IPartitionGrain>(partition));
        await Poll.UntilAsync(() => Task.FromResult(!ReferenceEquals(StoreOf(partition), before)), TimeSpan.FromSeconds(20), "the partition's store was closed");

        foreach (var key in keys)
        {
            Assert.Equal(key, await cache.GetStringAsync(key));
        }

        Assert.True(AbandoningRecovery.Fired, "the activation was abandoned");
        Assert.Equal(Keys, StoreOf(partition)!.Count);
    }

    private PartitionStoreRegistry Registry => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<PartitionStoreRegistry>();

    private Grid.Grains.Storage.PartitionStore? StoreOf(int partition) => Registry.TryGet(partition);

    /// <summary>One silo, no replicas: a parked copy is the partition's only copy, as the replica on the surviving silo was after the kill.</summary>
    public sealed class Fixture : ClusterFixture
    {
        protected override short SiloCount => 1;

        protected override void ConfigureGrid(GridSiloOptions options)
        {
            base.ConfigureGrid(options);
            options.Replication.Replicas = 0;
        }

        protected override void ConfigureSilo(ISiloBuilder silo) =>
            silo.Services.AddSingleton<IReplicaRecovery>(sp => new AbandoningRecovery(sp.GetRequiredService<ReplicaRecovery>(), sp.GetRequiredService<IGrainContextAccessor>()));
    }

    /// <summary>
    /// Recovers as the silo would, then, once armed for a partition, has Orleans deactivate the activation that asked
    /// (with the reason Orleans gives when a directory owner dies) and lets it run on for a while afterwards.
    /// </summary>
    private sealed class AbandoningRecovery(ReplicaRecovery inner, IGrainContextAccessor contexts) : IReplicaRecovery
    {
        private static int s_partition = -1;
        private static TimeSpan s_runOn;
        private static int s_fired;

        public static bool Fired => Volatile.Read(ref s_fired) == 1;

        public static void Arm(int partition, TimeSpan runOn)
        {
            s_runOn = runOn;
            Volatile.Write(ref s_fired, 0);
            Volatile.Write(ref s_partition, partition);
        }

        public async Task<RecoveredPartition?> RecoverAsync(int partition)
        {
            var recovered = await inner.RecoverAsync(partition);
            if (Interlocked.CompareExchange(ref s_partition, -1, partition) == partition)
            {
                contexts.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.DirectoryFailure, "test: the directory owner died"), CancellationToken.None);
                Volatile.Write(ref s_fired, 1);
                if (s_runOn > TimeSpan.Zero)
                {
                    // Orleans stops waiting for the cancelled activation; the next one may start meanwhile.
                    await Task.Delay(s_runOn);
                }
            }

            return recovered;
        }
    }
}
