namespace Grid.Cli.Tests;

/// <summary>The real connector (a client host built with AddGridCache) against a silo's TCP gateway.</summary>
public sealed class RealConnectorTests(RealSiloFixture silo) : IClassFixture<RealSiloFixture>
{
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
    public async Task A_partition_count_other_than_the_clusters_exits_2_and_says_so()
    {
        var result = await Run("get", "real:any", "--partitions", "8");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: This client is configured for 8 partitions but cluster", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("(grid: use --partitions)" + Environment.NewLine, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
