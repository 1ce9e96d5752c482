using Grid.Grains.Hosting;
using Grid.Tests.Shared.Options;

namespace Grid.Core.Tests.Tags;

public sealed class GridTagOptionsTests
{
    [Fact]
    public void Defaults_are_valid() => Assert.Empty(SiloOptionsFailures.Of(new GridTagOptions()));

    [Theory]
    [InlineData(nameof(GridTagOptions.IndexShards), 0)]
    [InlineData(nameof(GridTagOptions.IndexBuckets), 0)]
    [InlineData(nameof(GridTagOptions.RemovalBatchSize), 20_000)]
    [InlineData(nameof(GridTagOptions.RemovalConcurrency), 0)]
    [InlineData(nameof(GridTagOptions.ScanBatchSize), 1)]
    [InlineData(nameof(GridTagOptions.UpdateBatchSize), 0)]
    public void Out_of_range_settings_fail_naming_the_setting(string name, int value)
    {
        var options = new GridTagOptions();
        typeof(GridTagOptions).GetProperty(name)!.SetValue(options, value);
        string error = Assert.Single(SiloOptionsFailures.Of(options));
        Assert.StartsWith("Grid:Tags:" + name + " must be between", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(30)]
    public void A_rebuild_timeout_outside_1_to_25_seconds_is_refused(double seconds)
    {
        var options = new GridTagOptions { RebuildTimeout = TimeSpan.FromSeconds(seconds) };
        string error = Assert.Single(SiloOptionsFailures.Of(options));
        Assert.StartsWith("Grid:Tags:RebuildTimeout must be between 1 and 25 seconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Silo_options_validate_their_tag_settings()
    {
        var options = new GridSiloOptions { Tags = new GridTagOptions { FlushTimeout = TimeSpan.Zero } };
        Assert.StartsWith("Grid:Tags:FlushTimeout ", SiloOptionsFailures.Single(options), StringComparison.Ordinal);
    }
}
