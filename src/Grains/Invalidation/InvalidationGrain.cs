using Grid.Grains.Hosting;
using Grid.Grains.Tags;
using Grid.Protocol;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Grid.Grains.Invalidation;

/// <summary>
/// Runs invalidations (see <see cref="IInvalidationGrain"/>) from whichever silo received the call.
/// <para>
/// A tag invalidation first asks every active silo to deliver the index updates it has recorded (the flush barrier):
/// an acknowledged write recorded its tags under its store's lock before it was acknowledged, so after the barrier
/// every entry written with the tag before the call began is in the index. Then every shard of the tag takes its
/// keys out and removes them with tag-checked removes. A write racing the call may survive; if it does, it is indexed,
/// so the next invalidation of the tag removes it.
/// </para>
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class InvalidationGrain(
    IClusterMembershipService membership,
    IOptions<GridSiloOptions> options) : Grain, IInvalidationGrain
{
    private readonly GridSiloOptions _options = options.Value;

    public async Task<long> InvalidateTag(string tag, string[]? keep)
    {
        byte[] bytes = InvalidationInput.Encode(tag, _options.Limits, "tag", nameof(tag));
        byte[][]? keepKeys = InvalidationInput.EncodeKeys(keep, _options.Limits);

        var silos = ClusterSilos.Active(membership);
        var flushes = new Task[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            flushes[i] = GrainFactory.GetGrain<ISiloInvalidationGrain>(ClusterSilos.GrainKey(silos[i])).FlushTagIndex();
        }

        await Task.WhenAll(flushes);

        var tags = _options.Tags;
        int bucket = TagIndexAddressing.Bucket(bytes, tags.IndexBuckets);
        var shards = new Task<long>[tags.IndexShards];
        for (int shard = 0; shard < shards.Length; shard++)
        {
            shards[shard] = GrainFactory.GetGrain<ITagIndexGrain>(TagIndexAddressing.GrainKey(bucket, shard)).Invalidate(bytes, keepKeys);
        }

        return Sum(await Task.WhenAll(shards));
    }

    public async Task<long> InvalidatePattern(string pattern)
    {
        byte[] bytes = InvalidationInput.Encode(pattern, _options.Limits, "pattern", nameof(pattern));
        int partition = PatternPlan.SinglePartition(bytes, _options.PartitionCount);
        var silos = ClusterSilos.Active(membership);
        var scans = new Task<long>[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            scans[i] = GrainFactory.GetGrain<ISiloInvalidationGrain>(ClusterSilos.GrainKey(silos[i])).RemoveMatching(pattern, partition);
        }

        return Sum(await Task.WhenAll(scans));
    }

    public async Task<TagIndexInfo> GetTagIndexInfo(string? tag)
    {
        var tags = _options.Tags;
        var calls = new List<Task<TagIndexInfo>>();
        if (tag is not null)
        {
            byte[] bytes = InvalidationInput.Encode(tag, _options.Limits, "tag", nameof(tag));
            int bucket = TagIndexAddressing.Bucket(bytes, tags.IndexBuckets);
            for (int shard = 0; shard < tags.IndexShards; shard++)
            {
                calls.Add(GrainFactory.GetGrain<ITagIndexGrain>(TagIndexAddressing.GrainKey(bucket, shard)).GetInfo(bytes));
            }
        }
        else
        {
            for (int bucket = 0; bucket < tags.IndexBuckets; bucket++)
            {
                for (int shard = 0; shard < tags.IndexShards; shard++)
                {
                    calls.Add(GrainFactory.GetGrain<ITagIndexGrain>(TagIndexAddressing.GrainKey(bucket, shard)).GetInfo(null));
                }
            }
        }

        var total = TagIndexInfo.Empty;
        foreach (var info in await Task.WhenAll(calls))
        {
            total = total.Add(info);
        }

        return total;
    }

    private static long Sum(long[] counts)
    {
        long sum = 0;
        foreach (long count in counts)
        {
            sum += count;
        }

        return sum;
    }
}
