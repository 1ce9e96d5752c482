using Grid.Grains.Hosting;

namespace Grid.Cluster.Tests.Security;

/// <summary>A one-silo cluster with small limits, so each is easy to reach.</summary>
public sealed class LimitsClusterFixture : ClusterFixture
{
    public static readonly GridLimits Small = new()
    {
        MaxKeyBytes = 256,
        MaxValueBytes = 64 * 1024,
        MaxTagsPerEntry = 4,
        MaxKeysPerCall = 100,
        MaxRequestBytes = 1024 * 1024,
    };

    protected override short SiloCount => 1;

    protected override void ConfigureGrid(GridSiloOptions options)
    {
        base.ConfigureGrid(options);
        options.Limits = Small;
    }
}
