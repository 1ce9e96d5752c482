using System.Diagnostics;
using System.Text;
using Grid.Client;
using Grid.Grains.Hosting;
using Grid.Grains.Tags;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Grid.Cluster.Tests.Elasticity;

/// <summary>
/// What an index rebuild costs (issue 14, item 4): 100,000 tagged entries on three silos, default index (64 buckets × 8
/// shards); one shard, a hot tag's 8 shards, every shard losing its state at once, then a crash of the silo holding the
/// hot tag's shards. The figures go to the test output.
/// </summary>
[Collection(ElasticityCollection.Name)]
public sealed class TagIndexRebuildTimeTests(ITestOutputHelper output)
{
    private const int Entries = 100_000;
    private const int GroupTags = 1_000;

    [Fact]
    public async Task Shards_rebuild_from_100k_tagged_entries_on_three_silos_well_within_the_activation_timeout()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 3, clients: 1);
        var cache = scenario.Caches[0];
        var client = scenario.Cluster.Client;
        string hot = "rebuild-hot";
        var value = new byte[32];
        var load = Stopwatch.StartNew();
        // Every entry carries the hot tag and one of 1,000 group tags (100 entries each): 200,000 tag/key pairs in all.
        foreach (var groups in Enumerable.Range(0, GroupTags).Chunk(8))
        {
            await Task.WhenAll(groups.Select(g => cache.SetManyAsync(
                Enumerable.Range(0, Entries / GroupTags).Select(n => KeyValuePair.Create($"rb:{(n * GroupTags) + g:000000}", (ReadOnlyMemory<byte>)value)).ToList(),
                new GridEntryOptions { Tags = [hot, $"group:{g}"] }).AsTask()));
        }

        output.WriteLine($"loaded {Entries:N0} entries with 2 tags each in {load.Elapsed.TotalSeconds:0.0} s");
        var invalidation = client.GetGrain<IInvalidationGrain>(0);
        // The silos' tag pumps deliver to each index grain on its own (the index is complete for an invalidation only after
        // its flush barrier), so the hot tag's shards can hold every key while group-tag pairs are still on their way
        // (CI on 38357ba: 199,976 of 200,000 at that moment): wait for both.
        await Poll.UntilAsync(
            async () => (await invalidation.GetTagIndexInfo(hot)).Keys == Entries && (await invalidation.GetTagIndexInfo(null)).Keys == 2L * Entries,
            TimeSpan.FromSeconds(60),
            "the index holds every entry under both of its tags");
        var before = await invalidation.GetTagIndexInfo(null);
        Assert.Equal(2L * Entries, before.Keys);

        var tags = new GridTagOptions();
        int hotBucket = TagIndexAddressing.Bucket(Encoding.UTF8.GetBytes(hot), tags.IndexBuckets);
        var hotShards = Enumerable.Range(0, tags.IndexShards).Select(s => client.GetGrain<ITagIndexGrain>(TagIndexAddressing.GrainKey(hotBucket, s))).ToArray();
        var allShards = Enumerable.Range(0, tags.IndexBuckets).SelectMany(b => Enumerable.Range(0, tags.IndexShards).Select(s => client.GetGrain<ITagIndexGrain>(TagIndexAddressing.GrainKey(b, s)))).ToArray();
        byte[] hotBytes = Encoding.UTF8.GetBytes(hot);

        // One shard alone (12,500 hot-tag pairs and its share of the group tags), three times.
        var single = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            await scenario.Cluster.DeactivateAsync(hotShards[i].GetGrainId());
            var watch = Stopwatch.StartNew();
            var info = await hotShards[i].GetInfo(null);
            single.Add(watch.Elapsed.TotalMilliseconds);
            Assert.True(info.Keys > Entries / tags.IndexShards / 2, $"shard {i} rebuilt only {info.Keys} pairs");
        }

        Assert.Equal(before.Keys, (await invalidation.GetTagIndexInfo(null)).Keys);

        // The hot tag's 8 shards together, then all 512 shards together (as after a crash of the silo holding them).
        double hotTogether = await RebuildTogetherAsync(scenario, hotShards);
        Assert.Equal(Entries, (await invalidation.GetTagIndexInfo(hot)).Keys);
        long passesBefore = Passes(scenario);
        double allTogether = await RebuildTogetherAsync(scenario, allShards);
        long passes = Passes(scenario) - passesBefore;
        var after = await invalidation.GetTagIndexInfo(null);
        Assert.Equal(before.Keys, after.Keys);
        Assert.Equal(before.Tags, after.Tags);

        // A crash: the hot tag's shards all on the silo that is killed; the survivors hold its partitions only as replicas
        // until they are recovered, so the rebuild walks those replicas.
        var victim = scenario.Cluster.Silos[^1];
        foreach (var shard in hotShards)
        {
            if (!scenario.Cluster.TryGetGrainContext(shard.GetGrainId(), out var context) || !context.Address.SiloAddress!.Equals(victim.SiloAddress))
            {
                await scenario.Cluster.MigrateAsync(shard.GetGrainId(), victim.SiloAddress);
            }
        }

        await scenario.Cluster.KillSiloAsync(victim);
        await scenario.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));
        await scenario.WaitForSiloViewsAsync(2, TimeSpan.FromSeconds(60));
        var afterCrash = Stopwatch.StartNew();
        Assert.Equal(Entries, (await invalidation.GetTagIndexInfo(hot)).Keys);
        double crashRebuild = afterCrash.Elapsed.TotalMilliseconds;

        // Reading every entry brings the dead silo's partitions back from their replicas (not the index's work; timed apart).
        var recover = Stopwatch.StartNew();
        foreach (var chunk in Enumerable.Range(0, Entries).Chunk(5_000))
        {
            Assert.All(await cache.GetManyAsync(chunk.Select(i => $"rb:{i:000000}").ToList()), Assert.NotNull);
        }

        double recovered = recover.Elapsed.TotalMilliseconds;
        var invalidate = Stopwatch.StartNew();
        Assert.Equal(Entries, await cache.InvalidateTagAsync(hot));
        double invalidated = invalidate.Elapsed.TotalMilliseconds;

        output.WriteLine($"one shard: {string.Join(" / ", single.Select(ms => $"{ms:0} ms"))}; the hot tag's 8 shards together: {hotTogether:0} ms; all {allShards.Length} shards together: {allTogether:0} ms ({passes} walks of the stores over 3 silos); after a kill of the silo holding the hot tag's 8 shards: rebuilt in {crashRebuild:0} ms; every entry read back (partitions recovered) in {recovered:0} ms; the tag's {Entries:N0} entries invalidated in {invalidated:0} ms");
        Assert.All(single, ms => Assert.True(ms < 5_000, $"a single shard took {ms:0} ms"));
        Assert.True(allTogether < 15_000, $"all shards took {allTogether:0} ms");
        // Requests that arrive while a walk runs share the next one; how many share depends on how the activations spread
        // over time (12 walks on a quiet machine, 90 under CI load), so this checks sharing happened, not a number.
        Assert.True(passes * 4 <= 3L * allShards.Length, $"{passes} walks for {allShards.Length} shards on 3 silos: fewer than 4 requests per walk");
        Assert.True(crashRebuild < 15_000, $"the rebuild after the crash took {crashRebuild:0} ms");
    }

    private static async Task<double> RebuildTogetherAsync(ScenarioCluster scenario, ITagIndexGrain[] shards)
    {
        foreach (var shard in shards)
        {
            await scenario.Cluster.DeactivateAsync(shard.GetGrainId());
        }

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(shards.Select(s => s.GetInfo(null)));
        return watch.Elapsed.TotalMilliseconds;
    }

    private static long Passes(ScenarioCluster scenario) =>
        scenario.Cluster.Silos.Where(s => s.IsActive).Sum(s => s.ServiceProvider.GetRequiredService<TagPairCollector>().Passes);
}
