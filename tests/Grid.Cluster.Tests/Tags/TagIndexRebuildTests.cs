using System.Collections.Concurrent;
using Grid.Client;

namespace Grid.Cluster.Tests.Tags;

/// <summary>
/// Issue 14, item 4: an index shard that activates without state (its silo crashed, or Orleans deactivated it in place)
/// rebuilds itself from the entries, which carry their tags.
/// </summary>
[Collection(TagsCollection.Name)]
public sealed class TagIndexRebuildTests(TagsClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private static string Unique(string name) => $"{name}:{Guid.NewGuid():N}";

    private static List<KeyValuePair<string, ReadOnlyMemory<byte>>> Items(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"{prefix}:{i}", (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList();

    [Fact]
    public async Task A_shard_that_lost_its_state_rebuilds_it_from_the_entries_and_invalidation_still_removes_every_tagged_entry()
    {
        string tag = Unique("rebuilt");
        string alsoTagged = Unique("also");
        string prefix = Unique("rb");
        var items = Items(prefix, 400);
        await Cache.SetManyAsync(items, new GridEntryOptions { Tags = [tag] });
        await Cache.SetManyAsync(items.Take(40).ToList(), new GridEntryOptions { Tags = [tag, alsoTagged] });

        // 30 keys lose the tag (rewritten without it), 30 are removed: 340 keys carry it.
        for (int i = 40; i < 70; i++)
        {
            await Cache.SetStringAsync(items[i].Key, "untagged");
        }

        for (int i = 70; i < 100; i++)
        {
            await Cache.RemoveAsync(items[i].Key);
        }

        await fixture.WaitForIndexAsync(tag, 340);
        await fixture.WaitForIndexAsync(alsoTagged, 40);

        foreach (var shard in fixture.ShardsOf(tag))
        {
            await fixture.Cluster.DeactivateAsync(shard.GetGrainId());
        }

        // The next call activates each shard, which rebuilds its sets from the stores before answering.
        Assert.Equal(340, (await fixture.TagInfoAsync(tag)).Keys);
        Assert.Equal(40, (await fixture.TagInfoAsync(alsoTagged)).Keys);

        Assert.Equal(340, await Cache.InvalidateTagAsync(tag));
        Assert.All(await Cache.GetManyAsync(items.Skip(100).Select(i => i.Key).ToList()), Assert.Null);
        Assert.Equal("untagged", await Cache.GetStringAsync(items[40].Key));
    }

    [Fact]
    public async Task Shards_that_lose_their_state_again_and_again_while_writers_tag_untag_and_remove_keys_end_with_every_tagged_key()
    {
        string tag = Unique("churn");
        var tagged = new GridEntryOptions { Tags = [tag] };
        var lastOp = new ConcurrentDictionary<string, char>();
        using var stop = new CancellationTokenSource();

        // Each writer owns its keys, so the last acknowledged operation on a key says whether it carries the tag.
        async Task WriterAsync(int writer)
        {
            var random = new Random(writer);
            while (!stop.IsCancellationRequested)
            {
                string key = $"{tag}:{writer}:{random.Next(150)}";
                switch (random.Next(4))
                {
                    case 0 or 1:
                        await Cache.SetStringAsync(key, "v", tagged);
                        lastOp[key] = 'T';
                        break;
                    case 2:
                        await Cache.SetStringAsync(key, "v");
                        lastOp[key] = 'U';
                        break;
                    default:
                        await Cache.RemoveAsync(key);
                        lastOp[key] = 'R';
                        break;
                }
            }
        }

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriterAsync(w))).ToArray();
        for (int round = 0; round < 6; round++)
        {
            await Task.Delay(150);
            foreach (var shard in fixture.ShardsOf(tag))
            {
                await fixture.Cluster.DeactivateAsync(shard.GetGrainId());
            }

            // Reactivate them now, so each rebuild runs while the writers' updates keep coming.
            await fixture.TagInfoAsync(tag);
        }

        await Task.Delay(150);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var carrying = lastOp.Where(op => op.Value == 'T').Select(op => op.Key).ToList();
        Assert.True(carrying.Count > 50, $"only {carrying.Count} keys carry the tag");
        Assert.Equal(carrying.Count, await Cache.InvalidateTagAsync(tag));
        Assert.All(await Cache.GetManyAsync(carrying), Assert.Null);
        var others = lastOp.Where(op => op.Value == 'U').Select(op => op.Key).ToList();
        Assert.All(await Cache.GetManyAsync(others), Assert.NotNull);
    }
}
