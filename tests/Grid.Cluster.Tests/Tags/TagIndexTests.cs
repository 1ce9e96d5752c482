using Grid.Client;

namespace Grid.Cluster.Tests.Tags;

/// <summary>Item 1: the index follows the entries (writes with tags, overwrites, removals, expiry).</summary>
[Collection(TagsCollection.Name)]
public sealed class TagIndexTests(TagsClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private static string Unique(string name) => $"{name}:{Guid.NewGuid():N}";

    private static GridEntryOptions Tagged(params string[] tags) => new() { Tags = tags };

    [Fact]
    public async Task Set_with_tags_indexes_the_key_under_each_of_its_tags()
    {
        string a = Unique("tag-a"), b = Unique("tag-b");
        await Cache.SetStringAsync(Unique("k"), "v", Tagged(a, b));
        await Cache.SetStringAsync(Unique("k"), "v", Tagged(a));

        await fixture.WaitForIndexAsync(a, 2);
        await fixture.WaitForIndexAsync(b, 1);
    }

    [Fact]
    public async Task Removing_a_tagged_key_takes_it_out_of_the_index()
    {
        string tag = Unique("tag");
        string key = Unique("k");
        await Cache.SetStringAsync(key, "v", Tagged(tag));
        await fixture.WaitForIndexAsync(tag, 1);

        Assert.True(await Cache.RemoveAsync(key));

        await fixture.WaitForIndexAsync(tag, 0);
        Assert.Equal(TagIndexInfoOf(0), await fixture.TagInfoAsync(tag));
    }

    [Fact]
    public async Task Overwriting_without_a_tag_takes_the_key_out_of_that_tags_index_only()
    {
        string kept = Unique("kept"), dropped = Unique("dropped");
        string key = Unique("k");
        await Cache.SetStringAsync(key, "v1", Tagged(kept, dropped));
        await fixture.WaitForIndexAsync(dropped, 1);

        await Cache.SetStringAsync(key, "v2", Tagged(kept));

        await fixture.WaitForIndexAsync(dropped, 0);
        Assert.Equal(1, (await fixture.TagInfoAsync(kept)).Keys);
    }

    [Fact]
    public async Task Index_of_a_tag_whose_keys_all_expired_shrinks_to_nothing()
    {
        string tag = Unique("expiring");
        var options = new GridEntryOptions { Tags = [tag], TimeToLive = TimeSpan.FromSeconds(10) };
        var items = Enumerable.Range(0, 300).Select(i => KeyValuePair.Create(Unique($"e{i}"), (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList();
        await Cache.SetManyAsync(items, options);
        await fixture.WaitForIndexAsync(tag, 300);
        Assert.Equal(TagsClusterFixture.Shards, (await fixture.TagInfoAsync(tag)).Tags);

        // Nobody reads them: only the active expiry sweep (on the fake clock) finds them.
        fixture.Time.Advance(TimeSpan.FromSeconds(11));

        await Poll.UntilAsync(
            async () =>
            {
                fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
                return (await fixture.TagInfoAsync(tag)).Keys == 0;
            },
            TimeSpan.FromSeconds(30),
            "the expiry sweep removed every key and the index forgot them");
        Assert.Equal(TagIndexInfoOf(0), await fixture.TagInfoAsync(tag));
    }

    private static Protocol.TagIndexInfo TagIndexInfoOf(long keys) => keys == 0 ? Protocol.TagIndexInfo.Empty : new(1, keys, 0);
}
