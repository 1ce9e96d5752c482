using System.Collections.Concurrent;
using System.Text;
using Grid.Client;
using Grid.Grains.Balancing;
using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Tags;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Grid.Cluster.Tests.Elasticity;

/// <summary>
/// Issue 14, item 4: the tag index survives a silo crash. A hot tag's index shards all live on one silo, which is killed;
/// the entries survive on the other silos (their partitions come back from replicas) and invalidating the tag must
/// still remove every one of them.
/// </summary>
[Collection(ElasticityCollection.Name)]
public sealed class TagIndexCrashTests(ITestOutputHelper output)
{
    private const int HotKeys = 5_000;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Invalidating_a_hot_tag_after_the_silo_holding_its_index_was_killed_removes_every_tagged_entry()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 3, clients: 1);
        var cache = scenario.Caches[0];
        string hot = $"hot:{Guid.NewGuid():N}";
        string other = $"other:{Guid.NewGuid():N}";
        var hotKeys = await WriteTaggedAsync(cache, "hk", HotKeys, hot);
        var otherKeys = await WriteTaggedAsync(cache, "ok", 500, other);
        await WaitForIndexAsync(scenario, hot, HotKeys);

        // Every shard of the hot tag on the silo that is about to die (not the first silo, which the test host needs).
        var victim = scenario.Cluster.Silos[^1];
        var shards = ShardsOf(scenario, hot);
        foreach (var shard in shards.Where(s => !victim.SiloAddress.Equals(LocationOf(scenario, s))))
        {
            await scenario.Cluster.MigrateAsync(shard.GetGrainId(), victim.SiloAddress).WaitAsync(StepTimeout);
        }

        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} the tag's {shards.Length} shards are on {victim.SiloAddress}");

        Assert.All(shards, shard => Assert.Equal(victim.SiloAddress, LocationOf(scenario, shard)));
        Assert.Equal(HotKeys, (await TagInfoAsync(scenario, hot)).Keys);

        await scenario.Cluster.KillSiloAsync(victim).WaitAsync(StepTimeout);
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} killed");
        await scenario.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));
        await scenario.WaitForSiloViewsAsync(2, TimeSpan.FromSeconds(60));

        // The shards come back without their sets and rebuild them from the surviving entries (asked here first, so a
        // failure below says which half lost entries: the rebuild, or the removal).
        long rebuilt = (await TagInfoAsync(scenario, hot).WaitAsync(StepTimeout)).Keys;
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} 2 silos active, the rebuilt index holds {rebuilt} keys; invalidating");
        var started = DateTime.UtcNow;
        long removed = await cache.InvalidateTagAsync(hot).AsTask().WaitAsync(StepTimeout);
        output.WriteLine($"invalidation after the kill (shards rebuilt on the way) took {(DateTime.UtcNow - started).TotalMilliseconds:0} ms and removed {removed}");

        var left = await GetWithRetriesAsync(cache, hotKeys);
        if (left.Any(v => v is not null))
        {
            await DescribeReadableAsync(scenario, hotKeys.Where((_, i) => left[i] is not null).ToArray());
        }

        Assert.Equal(0, left.Count(v => v is not null));
        Assert.Equal(HotKeys, rebuilt);
        Assert.Equal(HotKeys, removed);
        var kept = await GetWithRetriesAsync(cache, otherKeys);
        Assert.All(kept, Assert.NotNull);
        Assert.Equal(0, (await TagInfoAsync(scenario, hot)).Keys);
        Assert.Equal(otherKeys.Length, (await TagInfoAsync(scenario, other)).Keys);
    }

    [Fact]
    public async Task Writes_that_keep_coming_through_the_crash_are_all_removed_by_the_next_invalidation_once_acknowledged()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 3, clients: 1);
        var cache = scenario.Caches[0];
        string hot = $"hot:{Guid.NewGuid():N}";
        await WriteTaggedAsync(cache, "pre", 2_000, hot);
        await WaitForIndexAsync(scenario, hot, 2_000);
        var victim = scenario.Cluster.Silos[^1];
        var shards = ShardsOf(scenario, hot);
        foreach (var shard in shards.Take(4).Where(s => !victim.SiloAddress.Equals(LocationOf(scenario, s))))
        {
            await scenario.Cluster.MigrateAsync(shard.GetGrainId(), victim.SiloAddress).WaitAsync(StepTimeout);
        }

        // Writers tag, untag and remove their own keys through the kill; a write that failed (its silo died under it)
        // may or may not have happened, so its key is left out of the exact checks.
        var lastOp = new ConcurrentDictionary<string, char>();
        var options = new GridEntryOptions { Tags = [hot] };
        using var stop = new CancellationTokenSource();
        async Task WriterAsync(int writer)
        {
            var random = new Random(writer);
            while (!stop.IsCancellationRequested)
            {
                string key = $"w{writer}:{random.Next(500)}";
                char op = random.Next(4) switch { 0 or 1 => 'T', 2 => 'U', _ => 'R' };
                try
                {
                    if (op == 'R')
                    {
                        await cache.RemoveAsync(key);
                    }
                    else
                    {
                        await cache.SetStringAsync(key, "v", op == 'T' ? options : null);
                    }

                    lastOp[key] = op;
                }
                catch (Exception ex) when (ex is GridException or TimeoutException or OrleansException)
                {
                    lastOp[key] = '?';
                    await Task.Delay(50);
                }
            }
        }

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriterAsync(w))).ToArray();
        await Poll.UntilAsync(() => Task.FromResult(lastOp.Count > 300), StepTimeout, "the writers are under way");
        await scenario.Cluster.KillSiloAsync(victim).WaitAsync(StepTimeout);
        await scenario.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));
        await scenario.WaitForSiloViewsAsync(2, TimeSpan.FromSeconds(60));
        await Task.Delay(1_000);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var carrying = lastOp.Where(op => op.Value == 'T').Select(op => op.Key).ToList();
        int uncertain = lastOp.Count(op => op.Value == '?');
        long removed = await cache.InvalidateTagAsync(hot).AsTask().WaitAsync(StepTimeout);
        output.WriteLine($"{carrying.Count} written keys carry the tag, {uncertain} uncertain; the invalidation removed {removed} (2000 written before)");

        // Which tagged keys are still readable first (pre-crash ones or the writers'), then the count.
        string[] tagged = [.. Enumerable.Range(0, 2_000).Select(i => $"pre:{i}"), .. carrying];
        var values = await GetWithRetriesAsync(cache, tagged);
        var readable = tagged.Where((_, i) => values[i] is not null).ToArray();
        if (readable.Length > 0)
        {
            output.WriteLine($"still readable: {string.Join(", ", readable.Take(10))}");
            await DescribeReadableAsync(scenario, readable);
        }

        Assert.Empty(readable);
        Assert.InRange(removed, 2_000 + carrying.Count, 2_000 + carrying.Count + uncertain);
        var untagged = lastOp.Where(op => op.Value == 'U').Select(op => op.Key).ToArray();
        Assert.All(await GetWithRetriesAsync(cache, untagged), Assert.NotNull);
    }

    [Fact]
    public async Task A_silo_that_joined_after_the_shards_activated_and_died_with_undelivered_index_updates_does_not_hide_its_entries()
    {
        // The shards activate while two silos run, so two silos are all they ever saw active; a third joins, takes
        // partitions, records index updates for writes it acknowledged, and dies before delivering them (its pump is
        // stopped here, which is what a crash does to what it had not sent). Its partitions come back from replicas;
        // invalidating the tag must still remove every entry, including those only the dead silo's pump knew of.
        await using var scenario = await ScenarioCluster.StartAsync(silos: 2, clients: 1);
        var cache = scenario.Caches[0];
        string hot = $"hot:{Guid.NewGuid():N}";
        var early = await WriteTaggedAsync(cache, "early", 2_000, hot);
        await WaitForIndexAsync(scenario, hot, 2_000);

        var joined = await scenario.Cluster.StartAdditionalSiloAsync();
        await scenario.WaitForActiveSilosAsync(3, StepTimeout);
        await scenario.WaitForSiloViewsAsync(3, StepTimeout);
        await scenario.WaitUntilBalancedAsync(StepTimeout);
        var shardSilos = ShardsOf(scenario, hot).Select(shard => LocationOf(scenario, shard)).ToArray();
        Assert.DoesNotContain(joined.SiloAddress, shardSilos);

        await joined.ServiceProvider.GetRequiredService<TagIndexPump>().StopAsync(new CancellationToken(canceled: true));
        var late = await WriteTaggedAsync(cache, "late", 2_000, hot);
        var joinedStores = joined.ServiceProvider.GetRequiredService<PartitionStoreRegistry>();
        int onJoined = late.Count(key => joinedStores.TryGet(PartitionOf(key)) is not null);
        output.WriteLine($"{onJoined} of the late keys were written on {joined.SiloAddress}, whose index updates are never delivered");
        Assert.True(onJoined > 0, "no late key was written on the joined silo");

        await scenario.Cluster.KillSiloAsync(joined).WaitAsync(StepTimeout);
        await scenario.WaitForActiveSilosAsync(2, StepTimeout);
        await scenario.WaitForSiloViewsAsync(2, StepTimeout);

        long removed = await cache.InvalidateTagAsync(hot).AsTask().WaitAsync(StepTimeout);
        string[] tagged = [.. early, .. late];
        var values = await GetWithRetriesAsync(cache, tagged);
        var readable = tagged.Where((_, i) => values[i] is not null).ToArray();
        output.WriteLine($"the invalidation removed {removed}; {readable.Length} tagged entries still readable");
        if (readable.Length > 0)
        {
            await DescribeReadableAsync(scenario, readable);
        }

        Assert.Empty(readable);
        Assert.Equal(tagged.Length, removed);
    }

    /// <summary>On failure: where the partitions of keys still readable live, and every silo's copy of them.</summary>
    private async Task DescribeReadableAsync(ScenarioCluster scenario, string[] readable)
    {
        var byPartition = readable.GroupBy(PartitionOf).ToArray();
        output.WriteLine($"{readable.Length} keys still readable, in {byPartition.Length} partitions");
        foreach (var group in byPartition.Take(5))
        {
            int partition = group.Key;
            var location = await scenario.Cluster.Client.GetGrain<IPartitionControlGrain>(partition).GetLocation();
            var copies = scenario.Cluster.Silos.Where(s => s.IsActive).Select(s =>
            {
                var primary = s.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().TryGet(partition);
                long replica = s.ServiceProvider.GetRequiredService<ReplicaRegistry>().VersionOf(partition);
                return $"{s.SiloAddress}: primary {(primary is null ? "none" : $"{primary.Count} entries v{primary.Version}")}, replica v{replica}";
            });
            output.WriteLine($"partition {partition} ({group.Count()} readable) served by {location}; {string.Join("; ", copies)}");
        }
    }

    private static int PartitionOf(string key) => PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), PartitionHasher.DefaultPartitionCount);

    private static async Task<string[]> WriteTaggedAsync(GridCache cache, string prefix, int count, string tag)
    {
        var keys = Enumerable.Range(0, count).Select(i => $"{prefix}:{i}").ToArray();
        var value = new byte[32];
        foreach (var chunk in keys.Chunk(500))
        {
            await cache.SetManyAsync(chunk.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)value)).ToList(), new GridEntryOptions { Tags = [tag] });
        }

        return keys;
    }

    private static ITagIndexGrain[] ShardsOf(ScenarioCluster scenario, string tag)
    {
        var tags = new GridTagOptions();
        int bucket = TagIndexAddressing.Bucket(Encoding.UTF8.GetBytes(tag), tags.IndexBuckets);
        return [.. Enumerable.Range(0, tags.IndexShards).Select(shard => scenario.Cluster.Client.GetGrain<ITagIndexGrain>(TagIndexAddressing.GrainKey(bucket, shard)))];
    }

    private static SiloAddress? LocationOf(ScenarioCluster scenario, ITagIndexGrain shard) =>
        scenario.Cluster.TryGetGrainContext(shard.GetGrainId(), out var context) ? context.Address.SiloAddress : null;

    private static Task<TagIndexInfo> TagInfoAsync(ScenarioCluster scenario, string tag) =>
        scenario.Cluster.Client.GetGrain<IInvalidationGrain>(0).GetTagIndexInfo(tag);

    private static Task WaitForIndexAsync(ScenarioCluster scenario, string tag, long keys) =>
        Poll.UntilAsync(async () => (await TagInfoAsync(scenario, tag)).Keys == keys, TimeSpan.FromSeconds(30), $"the index holds {keys} keys for {tag}");

    private static async Task<byte[]?[]> GetWithRetriesAsync(GridCache cache, string[] keys)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await cache.GetManyAsync(keys);
            }
            catch (GridUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
