// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using System.Text;
using Grid.Client;
using Grid.Grains.Metrics;
using Grid.Grains.Partitions;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using BatchOrder = grains::Grid.Protocol.Wire.BatchOrder;
using GridOp = grains::Grid.Protocol.GridOp;
using OpFrame = grains::Grid.Protocol.Wire.OpFrame;
using RequestOrigin = grains::Grid.Protocol.Wire.RequestOrigin;
using ResultFrame = grains::Grid.Protocol.Wire.ResultFrame;
using ResultStatus = grains::Grid.Protocol.ResultStatus;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// A silo entry runs a batch numbered to follow another of its client (<see cref="BatchOrder"/>) only once that one ran
/// there: one that arrives first waits for it, and when it does not come in time runs nothing and is answered OutOfOrder
/// for its client to send again. The client's side
/// (it sends a conflicting op at once, numbered, instead of waiting for the answer) is in SiloChannelTests; the order
/// a user sees end to end in <see cref="WriteOrderTests"/>.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BatchOrderTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_batch_that_overtook_the_batch_it_follows_runs_nothing_and_says_so()
    {
        string key = $"order:overtook:{Guid.NewGuid():N}";
        await fixture.Cache.SetAsync(key, "before"u8.ToArray());
        var (entry, metrics) = EntryHolding(key);
        long refusedBefore = metrics.OutOfOrderBatches;
        var origin = new RequestOrigin((ulong)Random.Shared.NextInt64(1, long.MaxValue), 1);

        var frame = OpFrame.Encode([Set(key, "overtaker"), Set(key + ":other", "x")], origin: origin, order: new BatchOrder(2, After: 1));
        var results = ResultFrame.Decode((await entry.Execute(frame)).ResultFrame);

        Assert.All(results, result => Assert.Equal(ResultStatus.OutOfOrder, result.Status));
        Assert.Equal("before", Encoding.UTF8.GetString((await fixture.Cache.GetAsync(key, new GridReadOptions { BypassNearCache = true }))!));
        Assert.Null(await fixture.Cache.GetAsync(key + ":other", new GridReadOptions { BypassNearCache = true }));
        Assert.Equal(refusedBefore + 1, metrics.OutOfOrderBatches);
    }

    [Fact]
    public async Task A_batch_runs_once_the_batch_it_follows_ran_there_and_another_clients_batch_does_not_count()
    {
        string key = $"order:follows:{Guid.NewGuid():N}";
        await fixture.Cache.SetAsync(key, "0"u8.ToArray());
        var (entry, _) = EntryHolding(key);
        var origin = new RequestOrigin((ulong)Random.Shared.NextInt64(1, long.MaxValue), 1);
        var stranger = origin with { Client = origin.Client ^ 1 };

        var first = ResultFrame.Decode((await entry.Execute(OpFrame.Encode([Set(key, "1")], origin: stranger, order: new BatchOrder(1, 0)))).ResultFrame);
        Assert.Equal(ResultStatus.Ok, first.Single().Status);

        // Batch 1 of another client ran; this client's batch 2 following its own batch 1 did not.
        var refused = ResultFrame.Decode((await entry.Execute(OpFrame.Encode([Set(key, "2")], origin: origin, order: new BatchOrder(2, 1)))).ResultFrame);
        Assert.Equal(ResultStatus.OutOfOrder, refused.Single().Status);

        var own = ResultFrame.Decode((await entry.Execute(OpFrame.Encode([Set(key, "1b")], origin: origin, order: new BatchOrder(1, 0)))).ResultFrame);
        Assert.Equal(ResultStatus.Ok, own.Single().Status);
        var second = ResultFrame.Decode((await entry.Execute(OpFrame.Encode([Set(key, "2")], origin: origin, order: new BatchOrder(2, 1)))).ResultFrame);
        Assert.Equal(ResultStatus.Ok, second.Single().Status);

        Assert.Equal("2", Encoding.UTF8.GetString((await fixture.Cache.GetAsync(key, new GridReadOptions { BypassNearCache = true }))!));
    }

    [Fact]
    public async Task A_batch_that_arrives_first_waits_for_the_batch_it_follows_and_runs_after_it()
    {
        string key = $"order:waits:{Guid.NewGuid():N}";
        await fixture.Cache.SetAsync(key, "0"u8.ToArray());
        var (entry, metrics) = EntryHolding(key);
        long overtakenBefore = metrics.OvertakenBatches;
        long refusedBefore = metrics.OutOfOrderBatches;
        var origin = new RequestOrigin((ulong)Random.Shared.NextInt64(1, long.MaxValue), 1);

        // The later batch is sent first, and waits; the earlier one runs, then the later one.
        var later = entry.Execute(OpFrame.Encode([Set(key, "later")], origin: origin, order: new BatchOrder(2, 1)));
        await Poll.UntilAsync(() => Task.FromResult(metrics.OvertakenBatches > overtakenBefore), TimeSpan.FromSeconds(10), "the later batch reached the silo");
        var earlier = ResultFrame.Decode((await entry.Execute(OpFrame.Encode([Set(key, "earlier")], origin: origin, order: new BatchOrder(1, 0)))).ResultFrame);

        Assert.Equal(ResultStatus.Ok, earlier.Single().Status);
        Assert.Equal(ResultStatus.Ok, ResultFrame.Decode((await later).ResultFrame).Single().Status);
        Assert.Equal("later", Encoding.UTF8.GetString((await fixture.Cache.GetAsync(key, new GridReadOptions { BypassNearCache = true }))!));
        Assert.Equal(refusedBefore, metrics.OutOfOrderBatches);
    }

    private static GridOp Set(string key, string value) =>
        new() { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value) };

    /// <summary>A data-plane entry of the silo where <paramref name="key"/>'s partition is live, and that silo's metrics.</summary>
    private (ISiloEntryGrain Entry, GridSiloMetrics Metrics) EntryHolding(string key)
    {
        int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), PartitionHasher.DefaultPartitionCount);
        foreach (var silo in fixture.Cluster.Silos)
        {
            if (silo.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().TryGet(partition) is not null)
            {
                var entry = fixture.Cluster.Client.GetGrain<ISiloEntryGrain>(silo.SiloAddress.ToParsableString() + "#1");
                return (entry, silo.ServiceProvider.GetRequiredService<GridSiloMetrics>());
            }
        }

        throw new InvalidOperationException($"No silo has partition {partition} of key '{key}' live.");
    }
}
