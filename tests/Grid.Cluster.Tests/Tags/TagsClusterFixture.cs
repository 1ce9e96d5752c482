using System.Text;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Cluster.Tests.Tags;

/// <summary>
/// A three-silo cluster on one fake clock for the tag and invalidation tests, with a small index (4 shards, 8 buckets)
/// and small batches, so that sharding, batching and bounded scan steps all happen at test sizes.
/// </summary>
public sealed class TagsClusterFixture : ClusterFixture
{
    public const int Shards = 4;
    public const int Buckets = 8;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override short SiloCount => 3;

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton(new GridClock(Time));

    protected override void ConfigureGrid(GridSiloOptions options)
    {
        base.ConfigureGrid(options);
        options.Tags.IndexShards = Shards;
        options.Tags.IndexBuckets = Buckets;
        options.Tags.RemovalBatchSize = 100;
        options.Tags.ScanBatchSize = 64;
        options.Tags.UpdateBatchSize = 256;
    }

    /// <summary>What the index holds for a tag, summed over its shards.</summary>
    public Task<TagIndexInfo> TagInfoAsync(string tag) => Cluster.Client.GetGrain<IInvalidationGrain>(0).GetTagIndexInfo(tag);

    /// <summary>Keys each shard holds for a tag, by shard.</summary>
    public async Task<long[]> KeysPerShardAsync(string tag)
    {
        var bytes = Encoding.UTF8.GetBytes(tag);
        int bucket = TagIndexAddressing.Bucket(bytes, Buckets);
        var counts = new long[Shards];
        for (int shard = 0; shard < Shards; shard++)
        {
            counts[shard] = (await Cluster.Client.GetGrain<ITagIndexGrain>(TagIndexAddressing.GrainKey(bucket, shard)).GetInfo(bytes)).Keys;
        }

        return counts;
    }

    /// <summary>The index grains of a tag, by shard.</summary>
    public ITagIndexGrain[] ShardsOf(string tag)
    {
        int bucket = TagIndexAddressing.Bucket(Encoding.UTF8.GetBytes(tag), Buckets);
        return Enumerable.Range(0, Shards).Select(shard => Cluster.Client.GetGrain<ITagIndexGrain>(TagIndexAddressing.GrainKey(bucket, shard))).ToArray();
    }

    /// <summary>Waits until the index holds exactly <paramref name="keys"/> keys for <paramref name="tag"/>.</summary>
    public Task WaitForIndexAsync(string tag, long keys) =>
        Poll.UntilAsync(async () => (await TagInfoAsync(tag)).Keys == keys, TimeSpan.FromSeconds(20), $"the index holds {keys} keys for tag {tag}");
}

[CollectionDefinition(Name)]
public sealed class TagsCollection : ICollectionFixture<TagsClusterFixture>
{
    public const string Name = "tags";
}
