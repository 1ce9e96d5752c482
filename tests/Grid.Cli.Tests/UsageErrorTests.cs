namespace Grid.Cli.Tests;

/// <summary>Command lines the CLI refuses before connecting: exit 2, one line on stderr naming the problem, nothing on stdout.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("set k v --ttl 3x", "--ttl: '3x' is not a duration")]
    [InlineData("set k v --sliding never", "--sliding: 'never' is not a duration")]
    [InlineData("set k v --ttl 0s", "--ttl: '0s': a duration must be positive")]
    [InlineData("set k v --ttl -5s", "--ttl: '-5s': a duration must be positive")]
    [InlineData("expire k -1m", "TTL: '-1m': a duration must be positive")]
    [InlineData("expire k soon", "TTL: 'soon' is not a duration")]
    [InlineData("get k --connect-timeout 1y", "--connect-timeout: '1y' is not a duration")]
    [InlineData("set k v --nx --xx", "--nx and --xx cannot be used together")]
    [InlineData("incr k abc", "BY: 'abc' is not a 64-bit integer")]
    [InlineData("lrange k 0 last", "STOP: 'last' is not a 64-bit integer")]
    [InlineData("get k --partitions many", "--partitions: 'many' is not an integer")]
    [InlineData("gte k", "unrecognized command or argument 'gte'")]
    [InlineData("get a b", "unrecognized command or argument 'b'")]
    [InlineData("get", "Required argument missing")]
    [InlineData("lpush k", "Required argument missing")]
    [InlineData("", "Required command was not provided")]
    [InlineData("set k v --if-version abc", "--if-version: 'abc' is not a 64-bit integer")]
    [InlineData("set k v --if-version 99999999999999999999999", "--if-version: '99999999999999999999999' is out of range (-9223372036854775808 to 9223372036854775807)")]
    [InlineData("set k v --ttl 99999999999999d", "--ttl: '99999999999999d' is too long for a duration (at most 10675199d)")]
    [InlineData("get k --partitions 99999999999", "--partitions: '99999999999' is out of range (-2147483648 to 2147483647)")]
    [InlineData("hotkeys --top 99999999999", "--top must be between 1 and 1024 (it is 99999999999).")]
    [InlineData("hotkeys --top 0", "--top must be between 1 and 1024 (it is 0).")]
    [InlineData("hotkeys --top ten", "--top: 'ten' is not an integer")]
    [InlineData("help bogus", "'bogus' is not a command of 'grid' (see 'grid --help')")]
    [InlineData("help rebalance bogus", "'bogus' is not a command of 'grid rebalance' (see 'grid rebalance --help')")]
    [InlineData("del k --if-version abc", "--if-version: 'abc' is not a 64-bit integer")]
    [InlineData("set k v --if-version 0 --if-version 0", "--if-version")]
    [InlineData("set k --file a --file b", "--file")]
    [InlineData("set", "Required argument missing")]
    [InlineData("hset h", "Required argument missing")]
    [InlineData("set k --file /", "--file: '/' is a directory, not a file")]
    public async Task Bad_command_lines_exit_2_with_one_line_on_stderr(string commandLine, string expected)
    {
        var result = await Cli.RunWithoutGridAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(new[] { "get", "k", "--cluster", "redis:6379", "--gateway", "127.0.0.1:30000" }, "--cluster and --gateway cannot be used together")]
    [InlineData(new[] { "get", "k", "--cluster", " " }, "--cluster: the Redis connection string must not be empty")]
    [InlineData(new[] { "get", "k", "--partitions", "0" }, "--partitions: must be between 1 and 65536")]
    [InlineData(new[] { "get", "k", "--gateway", "nonsense" }, "Gateway address 'nonsense' is not host:port.")]
    [InlineData(new[] { "get", "k", "--service-id", " " }, "--service-id must not be empty.")]
    public async Task Bad_global_options_exit_2_without_connecting(string[] args, string expected)
    {
        var result = await Cli.RunWithoutGridAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: " + expected + Environment.NewLine, result.Error);
    }

    [Fact]
    public async Task A_bad_environment_variable_is_named_in_the_error()
    {
        var result = await Cli.RunWithAsync(
            (_, _) => throw new InvalidOperationException("must not connect"),
            ["get", "k"],
            name => name == "GRID_CONNECT_TIMEOUT" ? "soon" : null);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: GRID_CONNECT_TIMEOUT: 'soon' is not a duration", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_exception_exits_2_and_is_shown_in_full()
    {
        var result = await Cli.RunWithAsync((_, _) => throw new InvalidOperationException("boom"), ["get", "k"]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: unexpected failure: System.InvalidOperationException: boom", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("set")]
    [InlineData("hgetall")]
    [InlineData("rebalance throttle")]
    public async Task Help_command_prints_what_dash_dash_help_prints(string command)
    {
        string[] words = command.Split(' ');
        var viaHelp = await Cli.RunWithoutGridAsync(["help", .. words]);
        var viaOption = await Cli.RunWithoutGridAsync([.. words, "--help"]);

        Assert.Equal(0, viaHelp.ExitCode);
        Assert.Equal("", viaHelp.Error);
        Assert.Contains($"grid {command}", viaHelp.Out, StringComparison.Ordinal);
        Assert.Equal(viaOption.Out, viaHelp.Out);
    }

    [Fact]
    public async Task Help_command_alone_lists_the_commands_help_among_them()
    {
        var result = await Cli.RunWithoutGridAsync("help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("hgetall", result.Out, StringComparison.Ordinal);
        Assert.Contains("help", result.Out, StringComparison.Ordinal);
        Assert.Equal((await Cli.RunWithoutGridAsync("--help")).Out, result.Out);
    }

    [Fact]
    public async Task Help_prints_usage_on_stdout_and_exits_0()
    {
        var result = await Cli.RunWithoutGridAsync("set", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("grid set <KEY> [<VALUE>] [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("--file <path>", result.Out, StringComparison.Ordinal);
        Assert.Contains("--ttl <duration>", result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }
}
