using Grid.Client;

namespace Grid.Cluster.Tests.Tags;

/// <summary>Item 4: invalidation by Redis glob pattern, across every partition of every silo.</summary>
[Collection(TagsCollection.Name)]
public sealed class InvalidatePatternTests(TagsClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private async Task<string> SeedAsync(params string[] suffixes)
    {
        string prefix = $"pat{Guid.NewGuid():N}";
        var items = suffixes.Select(s => KeyValuePair.Create(prefix + s, (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList();
        await Cache.SetManyAsync(items);
        return prefix;
    }

    private async Task<string[]> SurvivorsAsync(string prefix, params string[] suffixes)
    {
        var values = await Cache.GetManyAsync(suffixes.Select(s => prefix + s).ToList());
        return suffixes.Where((_, i) => values[i] is not null).ToArray();
    }

    [Fact]
    public async Task Star_pattern_removes_every_matching_key_on_every_silo_and_returns_the_count()
    {
        var users = Enumerable.Range(0, 500).Select(i => $":user:{i}").ToArray();
        var others = Enumerable.Range(0, 100).Select(i => $":order:{i}").ToArray();
        string prefix = await SeedAsync([.. users, .. others]);

        Assert.Equal(500, await Cache.InvalidatePatternAsync(prefix + ":user:*"));

        Assert.Empty(await SurvivorsAsync(prefix, users));
        Assert.Equal(others, await SurvivorsAsync(prefix, others));
    }

    [Fact]
    public async Task Question_mark_sets_ranges_negation_and_escapes_follow_redis_globs()
    {
        string[] keys = [":a1", ":b1", ":c1", ":d1", ":a22", ":x*", ":xy", ":e1"];
        string prefix = await SeedAsync(keys);

        Assert.Equal(2, await Cache.InvalidatePatternAsync(prefix + ":[ab]1"));
        Assert.Equal([":c1", ":d1", ":a22", ":x*", ":xy", ":e1"], await SurvivorsAsync(prefix, keys));

        Assert.Equal(1, await Cache.InvalidatePatternAsync(prefix + @":x\*"));
        Assert.Equal(2, await Cache.InvalidatePatternAsync(prefix + ":[^c-d]?"));
        Assert.Equal([":c1", ":d1", ":a22"], await SurvivorsAsync(prefix, keys));

        Assert.Equal(2, await Cache.InvalidatePatternAsync(prefix + ":[c-d]1"));
        Assert.Equal(1, await Cache.InvalidatePatternAsync(prefix + ":a??"));
        Assert.Empty(await SurvivorsAsync(prefix, keys));
    }

    [Fact]
    public async Task Pattern_with_a_hash_tag_removes_keys_of_that_tag_only()
    {
        string id = Guid.NewGuid().ToString("N");
        string[] keys = [$"cart:{{{id}}}:a", $"cart:{{{id}}}:b", $"cart:{{{id}x}}:c"];
        await Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList());

        Assert.Equal(2, await Cache.InvalidatePatternAsync($"cart:{{{id}}}:*"));
        Assert.Equal(1, await Cache.InvalidatePatternAsync($"cart:{{{id}*"));
    }

    [Fact]
    public async Task Pattern_matching_nothing_removes_nothing()
    {
        string prefix = await SeedAsync(":only");
        Assert.Equal(0, await Cache.InvalidatePatternAsync(prefix + ":other*"));
        Assert.Equal([":only"], await SurvivorsAsync(prefix, ":only"));
    }

    [Fact]
    public async Task Pattern_invalidation_takes_removed_tagged_keys_out_of_the_tag_index()
    {
        string tag = $"pat-tag:{Guid.NewGuid():N}";
        string prefix = $"pt{Guid.NewGuid():N}";
        var items = Enumerable.Range(0, 50).Select(i => KeyValuePair.Create($"{prefix}:{i}", (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList();
        await Cache.SetManyAsync(items, new GridEntryOptions { Tags = [tag] });
        await fixture.WaitForIndexAsync(tag, 50);

        Assert.Equal(50, await Cache.InvalidatePatternAsync(prefix + ":*"));

        await fixture.WaitForIndexAsync(tag, 0);
    }
}
