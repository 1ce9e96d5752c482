namespace Grid.Cli.Tests;

/// <summary><c>invalidate-tag</c>, <c>invalidate-pattern</c> and <c>set --invalidate-tag</c> against a two-silo cluster.</summary>
[Collection(CliClusterCollection.Name)]
public sealed class InvalidationCommandTests(CliClusterFixture fixture)
{
    private Task<CliResult> Run(params string[] args) => Cli.RunAsync(fixture.Cache, args);

    private static void AssertOk(CliResult result, string expectedOut)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expectedOut, result.Text);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Invalidate_tag_prints_how_many_entries_it_removed()
    {
        string tag = $"cli-tag-{Guid.NewGuid():N}";
        AssertOk(await Run("set", "cli:inv:1", "a", "--tag", tag), "OK");
        AssertOk(await Run("set", "cli:inv:2", "b", "--tag", tag, "--tag", "other"), "OK");
        AssertOk(await Run("set", "cli:inv:3", "c"), "OK");

        AssertOk(await Run("invalidate-tag", tag), "2");
        Assert.Equal(1, (await Run("get", "cli:inv:1")).ExitCode);
        AssertOk(await Run("get", "cli:inv:3"), "c");
        AssertOk(await Run("invalidate-tag", tag), "0");
    }

    [Fact]
    public async Task Invalidate_pattern_prints_how_many_entries_it_removed()
    {
        string prefix = $"cli-pat-{Guid.NewGuid():N}";
        foreach (var suffix in new[] { "user:1", "user:2", "user:10", "order:1" })
        {
            AssertOk(await Run("set", $"{prefix}:{suffix}", "v"), "OK");
        }

        AssertOk(await Run("invalidate-pattern", $"{prefix}:user:?"), "2");
        AssertOk(await Run("invalidate-pattern", $"{prefix}:*"), "2");
        AssertOk(await Run("invalidate-pattern", $"{prefix}:*"), "0");
    }

    [Fact]
    public async Task Set_with_invalidate_tag_removes_dependents_but_keeps_what_it_wrote()
    {
        string tag = $"cli-dep-{Guid.NewGuid():N}";
        AssertOk(await Run("set", $"{tag}:list", "[1]", "--tag", tag), "OK");
        AssertOk(await Run("set", $"{tag}:item", "v2", "--tag", tag, "--invalidate-tag", tag), "OK");

        Assert.Equal(1, (await Run("get", $"{tag}:list")).ExitCode);
        AssertOk(await Run("get", $"{tag}:item"), "v2");
    }

    [Fact]
    public async Task Empty_tag_or_pattern_is_an_error_with_exit_code_2()
    {
        var tag = await Run("invalidate-tag", "");
        Assert.Equal(2, tag.ExitCode);
        Assert.Contains("tag must not be empty", tag.Error, StringComparison.Ordinal);
        var pattern = await Run("invalidate-pattern", "");
        Assert.Equal(2, pattern.ExitCode);
        Assert.Contains("pattern must not be empty", pattern.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalidate_commands_need_their_argument()
    {
        var result = await Cli.RunWithoutGridAsync("invalidate-tag");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("grid invalidate-tag --help", result.Error, StringComparison.Ordinal);
    }
}
