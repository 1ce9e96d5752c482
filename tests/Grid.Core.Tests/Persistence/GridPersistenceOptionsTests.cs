using Grid.Grains.Hosting;
using Grid.Tests.Shared.Options;

namespace Grid.Core.Tests.Persistence;

/// <summary><c>Grid:Persistence</c>: off by default; when on, every bad value is one line naming the setting.</summary>
public sealed class GridPersistenceOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_off_with_a_five_minute_interval_and_a_write_on_shutdown()
    {
        var options = new GridPersistenceOptions();

        Assert.Empty(SiloOptionsFailures.Of(new GridSiloOptions { Persistence = options }));
        Assert.False(options.Enabled);
        Assert.Null(options.Directory);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Interval);
        Assert.True(options.OnShutdown);
    }

    [Fact]
    public void On_without_a_directory_is_refused_naming_the_setting()
    {
        var options = new GridSiloOptions { Persistence = new GridPersistenceOptions { Enabled = true, Directory = " " } };

        Assert.Equal(
            "Grid:Persistence:Directory must be set when Grid:Persistence:Enabled is true (a directory the silo may write, e.g. a volume's mount path).",
            SiloOptionsFailures.Single(options));
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("1.00:00:01")]
    public void An_interval_below_0_or_above_a_day_is_refused_naming_the_setting(string interval)
    {
        var options = new GridSiloOptions { Persistence = new GridPersistenceOptions { Interval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) } };

        Assert.StartsWith("Grid:Persistence:Interval must be between 0 (only on graceful shutdown) and 1 day (it is ", SiloOptionsFailures.Single(options), StringComparison.Ordinal);
    }

    [Fact]
    public void No_interval_and_no_write_on_shutdown_is_refused_as_writing_nothing()
    {
        var options = new GridSiloOptions { Persistence = new GridPersistenceOptions { Enabled = true, Directory = "/data", Interval = TimeSpan.Zero, OnShutdown = false } };

        Assert.StartsWith("Grid:Persistence:Interval is 0 and Grid:Persistence:OnShutdown is false: no snapshot would ever be written", SiloOptionsFailures.Single(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_on_shutdown_is_valid()
    {
        var options = new GridSiloOptions { Persistence = new GridPersistenceOptions { Enabled = true, Directory = "/data", Interval = TimeSpan.Zero } };

        Assert.Empty(SiloOptionsFailures.Of(options));
    }
}
