using Grid.Client;

namespace Grid.Cli.Tests;

/// <summary>How the global options and GRID_* variables become the client's options.</summary>
public sealed class GlobalOptionTests
{
    [Fact]
    public async Task Defaults_are_the_local_gateway_grid_ids_1024_partitions_and_a_5s_connect_timeout()
    {
        var options = await ResolveAsync(["exists", "k"]);

        Assert.Null(options.Clustering.Redis);
        Assert.Equal(["127.0.0.1:30000"], options.Clustering.EffectiveGateways);
        Assert.Equal("grid", options.Clustering.ClusterId);
        Assert.Equal("grid", options.Clustering.ServiceId);
        Assert.Equal(1024, options.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
    }

    [Fact]
    public async Task The_command_runs_its_client_without_the_thread_pool_starvation_guard()
    {
        // One command per process: nothing in it blocks on grid tasks, and the guard's warning went to stderr whenever the
        // process's pool was briefly busy (seen in CI: `grid set` printed "OK" and "warn: ... Thread pool starved" while
        // other tests loaded the shared test host's pool).
        var options = await ResolveAsync(["exists", "k"]);

        Assert.False(options.ThreadPoolStarvationGuard);
    }

    [Fact]
    public async Task Options_may_come_before_or_after_the_command_and_gateway_repeats()
    {
        var options = await ResolveAsync(
            ["--gateway", "127.0.0.1:1", "exists", "k", "--gateway", "127.0.0.1:2", "--cluster-id", "c", "--service-id", "s", "--partitions", "64", "--connect-timeout", "1500ms"]);

        Assert.Equal(["127.0.0.1:1", "127.0.0.1:2"], options.Clustering.EffectiveGateways);
        Assert.Equal("c", options.Clustering.ClusterId);
        Assert.Equal("s", options.Clustering.ServiceId);
        Assert.Equal(64, options.PartitionCount);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
    }

    [Fact]
    public async Task Environment_variables_apply_when_the_command_line_is_silent()
    {
        var environment = new Dictionary<string, string>
        {
            ["GRID_CLUSTER"] = "redis:6379,password=secret",
            ["GRID_CLUSTER_ID"] = "c",
            ["GRID_SERVICE_ID"] = "s",
            ["GRID_PARTITIONS"] = "16",
            ["GRID_CONNECT_TIMEOUT"] = "2s",
        };

        var options = await ResolveAsync(["exists", "k", "--partitions", "32"], environment);

        Assert.Equal("redis:6379,password=secret", options.Clustering.Redis);
        Assert.Equal("c", options.Clustering.ClusterId);
        Assert.Equal("s", options.Clustering.ServiceId);
        Assert.Equal(32, options.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ConnectTimeout);
    }

    [Fact]
    public async Task A_gateway_on_the_command_line_overrides_GRID_CLUSTER()
    {
        var options = await ResolveAsync(["exists", "k", "--gateway", "127.0.0.1:1"], new Dictionary<string, string> { ["GRID_CLUSTER"] = "redis:6379" });

        Assert.Null(options.Clustering.Redis);
        Assert.Equal(["127.0.0.1:1"], options.Clustering.EffectiveGateways);
    }

    [Fact]
    public void The_redis_address_in_messages_shows_endpoints_but_not_the_password()
    {
        var options = new GridClientOptions();
        options.Clustering.Redis = "redis1:6379, redis2:6379,password=secret,ssl=true";

        Assert.Equal("through Redis membership at redis1:6379, redis2:6379", GridAddress.Describe(options));
    }

    private static async Task<GridClientOptions> ResolveAsync(string[] args, Dictionary<string, string>? environment = null)
    {
        GridClientOptions? seen = null;
        var result = await Cli.RunWithAsync(
            (options, _) =>
            {
                seen = options;
                throw new GridUnavailableException("stop here");
            },
            args,
            name => environment?.GetValueOrDefault(name));

        Assert.Equal("error: stop here" + Environment.NewLine, result.Error);
        return Assert.IsType<GridClientOptions>(seen);
    }
}
