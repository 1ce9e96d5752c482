using Grid.Grains.Hosting;
using Grid.Protocol;

namespace Grid.Core.Tests.Hosting;

/// <summary><c>Grid:DataPlaneShards</c>: 0 (the default) is one entry activation per core but one, at least one; a set value is kept.</summary>
public sealed class DataPlaneShardsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(8, 7)]
    [InlineData(200, GridClusterInfo.MaxDataPlaneShards)]
    public void The_default_leaves_a_core_to_messaging_and_runs_at_least_one(int cores, int shards) =>
        Assert.Equal(shards, GridSiloOptions.DefaultDataPlaneShards(cores));

    [Fact]
    public void A_set_count_is_used_as_given() =>
        Assert.Equal(5, new GridSiloOptions { DataPlaneShards = 5 }.EffectiveDataPlaneShards);
}
