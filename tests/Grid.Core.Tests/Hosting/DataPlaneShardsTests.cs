using Grid.Grains.Hosting;
using Grid.Protocol;

namespace Grid.Core.Tests.Hosting;

/// <summary><c>Grid:DataPlaneShards</c>: 0 (the default) is one entry activation per core, but one on 2 cores or fewer; a set value is kept.</summary>
public sealed class DataPlaneShardsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 3)]
    [InlineData(16, 16)]
    [InlineData(200, GridClusterInfo.MaxDataPlaneShards)]
    public void The_default_is_one_per_core_but_one_on_two_cores_or_fewer(int cores, int shards) =>
        Assert.Equal(shards, GridSiloOptions.DefaultDataPlaneShards(cores));

    [Fact]
    public void A_set_count_is_used_as_given() =>
        Assert.Equal(5, new GridSiloOptions { DataPlaneShards = 5 }.EffectiveDataPlaneShards);
}
