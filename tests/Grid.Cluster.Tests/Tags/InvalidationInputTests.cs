using Grid.Client;
using Grid.Protocol;

namespace Grid.Cluster.Tests.Tags;

/// <summary>Bad tags and patterns fail with an <see cref="ArgumentException"/> naming the problem, and change nothing.</summary>
[Collection(TagsCollection.Name)]
public sealed class InvalidationInputTests(TagsClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    // Not enumerated at discovery: xUnit would serialize the lone surrogate into U+FFFD.
    public static TheoryData<string, string> BadNames => new()
    {
        { "", "must not be empty" },
        { new string('t', 8193), "MaxKeyBytes" },
        { "bad\ud800", "not valid UTF-16" },
    };

    [Theory]
    [MemberData(nameof(BadNames), DisableDiscoveryEnumeration = true)]
    public async Task Bad_tag_is_refused_and_changes_nothing(string tag, string problem)
    {
        string key = $"bad-tag:{Guid.NewGuid():N}";
        await Cache.SetStringAsync(key, "v", new GridEntryOptions { Tags = ["good"] });

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Cache.InvalidateTagAsync(tag));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Equal("tag", error.ParamName);
        Assert.Equal("v", await Cache.GetStringAsync(key));
    }

    [Theory]
    [MemberData(nameof(BadNames), DisableDiscoveryEnumeration = true)]
    public async Task Bad_pattern_is_refused_and_changes_nothing(string pattern, string problem)
    {
        string key = $"bad-pattern:{Guid.NewGuid():N}";
        await Cache.SetStringAsync(key, "v");

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Cache.InvalidatePatternAsync(pattern));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Equal("pattern", error.ParamName);
        Assert.Equal("v", await Cache.GetStringAsync(key));
    }

    [Fact]
    public async Task Null_tag_and_pattern_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Cache.InvalidateTagAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Cache.InvalidatePatternAsync(null!));
    }

    [Fact]
    public async Task Bad_invalidate_tag_on_a_set_is_refused_before_anything_is_written()
    {
        string key = $"bad-set:{Guid.NewGuid():N}";
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            await Cache.SetStringAsync(key, "v", new GridEntryOptions { InvalidateTags = ["ok", ""] }));
        Assert.Equal("options.InvalidateTags[1]", error.ParamName);
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Silo_refuses_a_bad_tag_that_bypassed_the_client()
    {
        var grain = fixture.Cluster.Client.GetGrain<IInvalidationGrain>(0);
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.InvalidateTag("", null));
        Assert.Contains("must not be empty", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.InvalidatePattern(new string('p', 9000)));
        Assert.Contains("MaxKeyBytes", error.Message, StringComparison.Ordinal);
    }
}
