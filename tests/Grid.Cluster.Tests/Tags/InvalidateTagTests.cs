using Grid.Client;

namespace Grid.Cluster.Tests.Tags;

/// <summary>Items 2, 3 and 6: invalidation by tag, hot tags, and invalidation on update.</summary>
[Collection(TagsCollection.Name)]
public sealed class InvalidateTagTests(TagsClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private static string Unique(string name) => $"{name}:{Guid.NewGuid():N}";

    private static List<KeyValuePair<string, ReadOnlyMemory<byte>>> Items(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"{prefix}:{i}", (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList();

    [Fact]
    public async Task Invalidate_tag_removes_every_tagged_key_on_every_silo_and_returns_the_count()
    {
        string tag = Unique("inv");
        string prefix = Unique("inv-k");
        var tagged = Items(prefix, 600);
        var other = Items(prefix + ":other", 50);
        await Cache.SetManyAsync(tagged, new GridEntryOptions { Tags = [tag] });
        await Cache.SetManyAsync(other, new GridEntryOptions { Tags = [Unique("unrelated")] });

        // No waiting for the index: the flush barrier makes every acknowledged write visible to the invalidation.
        long removed = await Cache.InvalidateTagAsync(tag);

        Assert.Equal(600, removed);
        Assert.All(await Cache.GetManyAsync(tagged.Select(i => i.Key).ToList()), Assert.Null);
        Assert.All(await Cache.GetManyAsync(other.Select(i => i.Key).ToList()), Assert.NotNull);
        Assert.Equal(0, (await fixture.TagInfoAsync(tag)).Keys);
        Assert.Equal(0, await Cache.InvalidateTagAsync(tag));
    }

    [Fact]
    public async Task Keys_that_lost_the_tag_or_are_gone_are_neither_removed_nor_counted()
    {
        string tag = Unique("stale");
        string prefix = Unique("stale-k");
        var items = Items(prefix, 10);
        await Cache.SetManyAsync(items, new GridEntryOptions { Tags = [tag] });
        await fixture.WaitForIndexAsync(tag, 10);

        for (int i = 0; i < 3; i++)
        {
            await Cache.SetStringAsync(items[i].Key, "untagged");
        }

        await Cache.RemoveAsync(items[3].Key);
        await Cache.RemoveAsync(items[4].Key);

        Assert.Equal(5, await Cache.InvalidateTagAsync(tag));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("untagged", await Cache.GetStringAsync(items[i].Key));
        }

        Assert.All(await Cache.GetManyAsync(items.Skip(3).Select(i => i.Key).ToList()), Assert.Null);
    }

    [Fact]
    public async Task Invalidating_a_tag_nobody_uses_removes_nothing()
    {
        Assert.Equal(0, await Cache.InvalidateTagAsync(Unique("never-used")));
    }

    [Fact]
    public async Task Hot_tag_spreads_over_every_shard_and_invalidates_in_batches()
    {
        const int count = 20_000;
        string tag = Unique("hot");
        string prefix = Unique("hot-k");
        var items = Items(prefix, count);
        var options = new GridEntryOptions { Tags = [tag] };
        foreach (var chunk in items.Chunk(5000))
        {
            await Cache.SetManyAsync(chunk, options);
        }

        await fixture.WaitForIndexAsync(tag, count);
        var perShard = await fixture.KeysPerShardAsync(tag);
        double mean = count / (double)TagsClusterFixture.Shards;
        Assert.All(perShard, keys => Assert.InRange(keys, mean * 0.8, mean * 1.2));

        // 20,000 removals in batches of 100 (Grid:Tags:RemovalBatchSize), 4 shards in parallel.
        Assert.Equal(count, await Cache.InvalidateTagAsync(tag));

        foreach (var chunk in items.Chunk(5000))
        {
            Assert.All(await Cache.GetManyAsync(chunk.Select(i => i.Key).ToList()), Assert.Null);
        }

        await fixture.WaitForIndexAsync(tag, 0);
    }

    [Fact]
    public async Task Concurrent_invalidations_of_one_tag_each_return_only_when_every_key_is_gone()
    {
        string tag = Unique("twice");
        var items = Items(Unique("twice-k"), 20_000);
        foreach (var chunk in items.Chunk(5000))
        {
            await Cache.SetManyAsync(chunk, new GridEntryOptions { Tags = [tag] });
        }

        await fixture.WaitForIndexAsync(tag, items.Count);

        // Straight to the tag's shards, twice at once each (no flush barrier in between to space the calls out).
        var shards = fixture.ShardsOf(tag);
        var tagBytes = System.Text.Encoding.UTF8.GetBytes(tag);
        var firsts = shards.Select(s => s.Invalidate(tagBytes, null)).ToArray();
        var seconds = shards.Select(s => s.Invalidate(tagBytes, null)).ToArray();
        long second = (await Task.WhenAll(seconds)).Sum();

        // The second calls found the keys taken by the first ones, yet they return only after those are removed.
        foreach (var chunk in items.Chunk(5000))
        {
            Assert.All(await Cache.GetManyAsync(chunk.Select(i => i.Key).ToList()), Assert.Null);
        }

        long first = (await Task.WhenAll(firsts)).Sum();
        Assert.Equal(20_000, first + second);
    }

    [Fact]
    public async Task Set_with_invalidate_tags_removes_dependent_entries_and_keeps_the_entry_it_wrote()
    {
        string user = Unique("user");
        string lists = Unique("user-lists");
        await Cache.SetStringAsync(user, "v1", new GridEntryOptions { Tags = [user] });
        await Cache.SetStringAsync(user + ":orders", "o", new GridEntryOptions { Tags = [user] });
        await Cache.SetStringAsync(Unique("list:active"), "[1]", new GridEntryOptions { Tags = [lists] });
        await Cache.SetStringAsync(Unique("list:all"), "[1]", new GridEntryOptions { Tags = [lists] });
        string listKey = Unique("list:new");
        await Cache.SetStringAsync(listKey, "[1]", new GridEntryOptions { Tags = [lists] });

        // "Update user 42, invalidate everything derived from it and the user lists."
        Assert.True(await Cache.SetStringAsync(user, "v2", new GridEntryOptions { Tags = [user], InvalidateTags = [user, lists] }));

        Assert.Equal("v2", await Cache.GetStringAsync(user));
        Assert.Null(await Cache.GetAsync(user + ":orders"));
        Assert.Null(await Cache.GetAsync(listKey));
        Assert.Equal(0, (await fixture.TagInfoAsync(lists)).Keys);

        // The kept entry is still indexed: a later invalidation of its tag removes it.
        Assert.Equal(1, await Cache.InvalidateTagAsync(user));
        Assert.Null(await Cache.GetAsync(user));
    }

    [Fact]
    public async Task Set_whose_condition_fails_invalidates_nothing()
    {
        string tag = Unique("dependent");
        string dependent = Unique("dep");
        string key = Unique("existing");
        await Cache.SetStringAsync(dependent, "d", new GridEntryOptions { Tags = [tag] });
        await Cache.SetStringAsync(key, "v");

        Assert.False(await Cache.SetStringAsync(key, "v2", new GridEntryOptions { When = SetCondition.NotExists, InvalidateTags = [tag] }));

        Assert.Equal("d", await Cache.GetStringAsync(dependent));
    }

    [Fact]
    public async Task Set_many_with_invalidate_tags_keeps_every_entry_it_wrote()
    {
        string tag = Unique("batch");
        string prefix = Unique("batch-k");
        await Cache.SetStringAsync(prefix + ":old", "o", new GridEntryOptions { Tags = [tag] });
        var items = Items(prefix, 20);

        await Cache.SetManyAsync(items, new GridEntryOptions { Tags = [tag], InvalidateTags = [tag] });

        Assert.Null(await Cache.GetAsync(prefix + ":old"));
        Assert.All(await Cache.GetManyAsync(items.Select(i => i.Key).ToList()), Assert.NotNull);
        Assert.Equal(20, await Cache.InvalidateTagAsync(tag));
    }
}
