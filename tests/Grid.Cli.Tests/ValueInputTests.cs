using System.Text;

namespace Grid.Cli.Tests;

/// <summary>Values from standard input (<c>-</c>) and from a file (<c>--file</c>), byte for byte, for set and hset.</summary>
[Collection(CliClusterCollection.Name)]
public sealed class ValueInputTests(CliClusterFixture fixture)
{
    [Fact]
    public async Task Set_with_a_dash_stores_standard_input_byte_for_byte()
    {
        byte[] input = Encoding.UTF8.GetBytes("line one\nline two\n");
        var result = await Cli.RunWithInputAsync(fixture.Cache, input, "set", "in:stdin", "-");

        Assert.Equal((0, "OK" + Environment.NewLine, ""), (result.ExitCode, result.Out, result.Error));
        Assert.Equal(input, await fixture.Cache.GetAsync("in:stdin"));
    }

    [Fact]
    public async Task Set_with_a_file_stores_its_bytes_even_when_they_are_not_text()
    {
        byte[] content = [0, 1, 2, 0xFF, 0xFE, (byte)'\n', 0x80];
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, content);
            var result = await Cli.RunAsync(fixture.Cache, "set", "in:file", "--file", path, "--ttl", "1m");

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(content, await fixture.Cache.GetAsync("in:file"));
            Assert.NotNull((await fixture.Cache.GetTimeToLiveAsync("in:file")).Remaining);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Hset_takes_its_value_from_standard_input_or_a_file_too()
    {
        var fromStdin = await Cli.RunWithInputAsync(fixture.Cache, "from stdin"u8.ToArray(), "hset", "in:hash", "a", "-");
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "from a file");
            var fromFile = await Cli.RunAsync(fixture.Cache, "hset", "in:hash", "b", "--file", path);

            Assert.Equal((0, 0), (fromStdin.ExitCode, fromFile.ExitCode));
            Assert.Equal("from stdin"u8.ToArray(), await fixture.Cache.HashGetAsync("in:hash", "a"));
            Assert.Equal("from a file"u8.ToArray(), await fixture.Cache.HashGetAsync("in:hash", "b"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new[] { "set", "k" }, "VALUE is missing: give it, '-' to read standard input, or --file PATH")]
    [InlineData(new[] { "set", "k", "v", "--file", "/etc/hostname" }, "give the value as VALUE or with --file, not both")]
    [InlineData(new[] { "set", "k", "--file", "/no/such/file" }, "--file: '/no/such/file' does not exist")]
    [InlineData(new[] { "hset", "k", "f" }, "VALUE is missing: give it, '-' to read standard input, or --file PATH")]
    public async Task A_missing_or_double_value_is_a_usage_error_before_connecting(string[] args, string expected)
    {
        var result = await Cli.RunWithoutGridAsync(args);

        Assert.Equal(GridExitCodes.Error, result.ExitCode);
        Assert.StartsWith("error: " + expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Standard_input_larger_than_the_grid_takes_is_refused_without_writing()
    {
        var input = new byte[fixture.Cache.Limits.MaxValueBytes + 1];
        var result = await Cli.RunWithInputAsync(fixture.Cache, input, "set", "in:huge", "-");

        Assert.Equal(GridExitCodes.Error, result.ExitCode);
        Assert.Contains("standard input holds more than the grid's largest value", result.Error, StringComparison.Ordinal);
        Assert.False(await fixture.Cache.ExistsAsync("in:huge"));
    }
}
