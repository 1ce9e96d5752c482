using System.Text;
using Grid.Client;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Grid.Cluster.Tests.Elasticity;

/// <summary>
/// After a cluster grows while writes go on and then settles, every partition has exactly one copy besides its primary,
/// on another silo: the copies a moved partition's former primary and former replica kept for the move are all dropped.
/// A copy left behind is older than the partition and is never updated again: it holds memory for good, and a tag index
/// shard rebuilding after a crash could take it, walked alone, for the partition's entries.
/// </summary>
[Collection(ElasticityCollection.Name)]
public sealed class ReplicaCopiesAfterScaleOutTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Growing_from_one_to_three_silos_under_writes_leaves_one_copy_per_partition_besides_its_primary()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 1, clients: 1);
        var cache = scenario.Caches[0];
        using var stop = new CancellationTokenSource();
        long written = 0;
        async Task WriteAsync()
        {
            var value = new byte[32];
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                var chunk = Enumerable.Range(0, 200).Select(j => KeyValuePair.Create($"copies:{(i * 200 + j) % 20_000}", (ReadOnlyMemory<byte>)value)).ToList();
                try
                {
                    await cache.SetManyAsync(chunk);
                    Interlocked.Add(ref written, chunk.Count);
                }
                catch (GridException)
                {
                    await Task.Delay(20);
                }
            }
        }

        var writer = Task.Run(WriteAsync);
        for (int silos = 2; silos <= 3; silos++)
        {
            await scenario.Cluster.StartAdditionalSiloAsync();
            await scenario.WaitForActiveSilosAsync(silos, Timeout);
            await scenario.WaitUntilBalancedAsync(Timeout, partitions: 1024);
        }

        await stop.CancelAsync();
        await writer;
        output.WriteLine($"{Interlocked.Read(ref written)} writes while the cluster grew");

        // Drops travel after each new replica's seed is acknowledged: wait for the copies to settle, then look.
        string problems = "";
        try
        {
            await Poll.UntilAsync(() => Task.FromResult((problems = Describe(scenario)).Length == 0), Timeout, "every partition has one copy besides its primary");
        }
        catch (TimeoutException)
        {
            Assert.Fail(problems);
        }
    }

    /// <summary>Partitions whose copies are not exactly one, on a silo other than the primary's; empty when all are.</summary>
    private static string Describe(ScenarioCluster scenario)
    {
        var primaries = new Dictionary<int, SiloAddress>();
        var copies = new Dictionary<int, List<SiloAddress>>();
        foreach (var silo in scenario.Cluster.Silos.Where(s => s.IsActive))
        {
            foreach (var store in silo.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().All)
            {
                primaries[store.Partition] = silo.SiloAddress;
            }

            foreach (int partition in silo.ServiceProvider.GetRequiredService<ReplicaRegistry>().Partitions())
            {
                if (!copies.TryGetValue(partition, out var holders))
                {
                    copies[partition] = holders = [];
                }

                holders.Add(silo.SiloAddress);
            }
        }

        var text = new StringBuilder();
        int wrong = 0;
        foreach (var (partition, primary) in primaries)
        {
            var holders = copies.GetValueOrDefault(partition) ?? [];
            if (holders.Count != 1 || holders[0].Equals(primary))
            {
                if (++wrong <= 10)
                {
                    text.Append($"partition {partition} on {primary}: copies on [{string.Join(", ", holders)}]; ");
                }
            }
        }

        foreach (int partition in copies.Keys.Where(p => !primaries.ContainsKey(p)).Take(10))
        {
            wrong++;
            text.Append($"partition {partition} has no live primary but copies on [{string.Join(", ", copies[partition])}]; ");
        }

        return wrong == 0 ? "" : $"{wrong} partition(s) with copies out of place: {text}";
    }
}
