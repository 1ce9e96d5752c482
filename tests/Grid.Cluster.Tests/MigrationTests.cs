using System.Text;
using Grid.Client;
using Grid.Grains.Partitions;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class MigrationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Partition_moving_mid_batch_loses_and_duplicates_nothing()
    {
        var cache = fixture.Cache;
        var tag = Guid.NewGuid().ToString("N");
        var counters = Enumerable.Range(0, 8).Select(i => $"move:{{{tag}}}:counter{i}").ToArray();
        int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(counters[0]), 1024);
        await cache.SetStringAsync($"move:{{{tag}}}:before", "kept");
        await cache.HashSetAsync($"move:{{{tag}}}:hash", "f", "v"u8.ToArray());
        await cache.ListRightPushAsync($"move:{{{tag}}}:list", ["a"u8.ToArray(), "b"u8.ToArray()]);

        using var stop = new CancellationTokenSource();
        var increments = new int[counters.Length];
        var writers = counters.Select((key, i) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await cache.IncrementAsync(key);
                increments[i]++;
            }
        })).ToArray();

        try
        {
            for (int move = 0; move < 6; move++)
            {
                await Task.Delay(100);
                await PartitionMoves.MoveToAnotherSiloAsync(fixture.Cluster, partition, $"move {move}: ");
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
        }

        for (int i = 0; i < counters.Length; i++)
        {
            Assert.True(increments[i] > 0);
            Assert.Equal(increments[i].ToString(System.Globalization.CultureInfo.InvariantCulture), await cache.GetStringAsync(counters[i]));
        }

        Assert.Equal("kept", await cache.GetStringAsync($"move:{{{tag}}}:before"));
        Assert.Equal("v"u8.ToArray(), await cache.HashGetAsync($"move:{{{tag}}}:hash", "f"));
        Assert.Equal(2, await cache.ListLengthAsync($"move:{{{tag}}}:list"));
    }

    [Fact]
    public async Task Partition_deactivated_in_place_comes_back_with_its_entries()
    {
        var cache = fixture.Cache;
        var key = $"parked:{{{Guid.NewGuid():N}}}";
        int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), 1024);
        await cache.SetStringAsync(key, "kept");
        await cache.HashSetAsync(key + ":h", "f", "v"u8.ToArray());
        var before = StoreOf(partition);
        Assert.NotNull(before);

        // What Orleans does to activations whose directory entry lived on a silo that left (DirectoryFailure).
        await fixture.Cluster.DeactivateAsync(fixture.Cluster.Client.GetGrain<IPartitionGrain>(partition));
        await Poll.UntilAsync(() => Task.FromResult(!ReferenceEquals(StoreOf(partition), before)), TimeSpan.FromSeconds(20), "the partition's store was closed");

        Assert.Equal("kept", await cache.GetStringAsync(key));
        Assert.Equal("v"u8.ToArray(), await cache.HashGetAsync(key + ":h", "f"));
        Assert.NotSame(before, StoreOf(partition));
    }

    private Grid.Grains.Storage.PartitionStore? StoreOf(int partition) =>
        fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().TryGet(partition)).FirstOrDefault(s => s is not null);
}
