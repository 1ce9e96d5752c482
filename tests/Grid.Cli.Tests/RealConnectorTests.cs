namespace Grid.Cli.Tests;

/// <summary>The real connector (a client host built with AddGridCache) against a silo's TCP gateway.</summary>
public sealed class RealConnectorTests(RealSiloFixture silo) : IClassFixture<RealSiloFixture>
{
    private string Gateway => $"127.0.0.1:{silo.GatewayPort}";

    private Task<CliResult> Run(params string[] args) => Cli.RunRealAsync([.. args, .. silo.GlobalOptions]);

    [Fact]
    public async Task Set_and_get_through_a_gateway_print_only_the_results()
    {
        var set = await Run("set", "real:greeting", "hello");
        var get = await Run("get", "real:greeting");
        var missing = await Run("get", "real:missing");

        Assert.Equal((0, "OK" + Environment.NewLine, ""), (set.ExitCode, set.Out, set.Error));
        Assert.Equal((0, "hello" + Environment.NewLine, ""), (get.ExitCode, get.Out, get.Error));
        Assert.Equal((1, "", "key 'real:missing' does not exist" + Environment.NewLine), (missing.ExitCode, missing.Out, missing.Error));
    }

    [Fact]
    public async Task A_partition_count_other_than_the_clusters_exits_2_and_names_the_partitions_flag()
    {
        var result = await Run("get", "real:any", "--partitions", "8");

        Assert.Equal(GridExitCodes.Error, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: This client is configured for 8 partitions but cluster", result.Error, StringComparison.Ordinal);
        Assert.Contains("set --partitions to 1024", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Another_service_id_exits_2_and_names_the_id_flags_not_partitions()
    {
        var result = await Cli.RunRealAsync("get", "real:any", "--gateway", Gateway, "--cluster-id", RealSiloFixture.ClusterId, "--service-id", "someone-else");

        Assert.Equal(GridExitCodes.Error, result.ExitCode);
        Assert.Contains("set --service-id and --cluster-id to the silos' Grid:Clustering values", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--partitions", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("GridClient:", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Another_cluster_id_exits_3_and_names_the_cluster_id_flag()
    {
        // Orleans' gateway drops a client of another cluster id: the client only sees the connection closed.
        var result = await Cli.RunRealAsync("get", "real:any", "--gateway", Gateway, "--service-id", RealSiloFixture.ClusterId, "--cluster-id", "someone-else", "--connect-timeout", "2s");

        // Depending on timing Orleans reports the gateway's cluster id, or only that the gateway closed the connection.
        Assert.Equal(GridExitCodes.Unavailable, result.ExitCode);
        Assert.True(
            result.Error.Contains("the gateway belongs to cluster id 'cli-tests', not 'someone-else'", StringComparison.Ordinal)
            || result.Error.Contains("the gateway closed the connection", StringComparison.Ordinal),
            result.Error);
        Assert.Contains("--cluster-id", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("is a silo running there?", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("GridClient:", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
