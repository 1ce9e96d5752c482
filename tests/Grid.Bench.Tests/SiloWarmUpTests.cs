using Grid.Bench.Cli;
using Grid.Bench.Runner;

namespace Grid.Bench.Tests;

/// <summary>
/// Fresh silo processes are loaded for a minimum time before their first cell (quick and full runs), however steady two
/// rounds look; the smoke run, which only checks that results appear, skips it.
/// </summary>
public sealed class SiloWarmUpTests
{
    [Fact]
    public void Quick_and_full_runs_load_fresh_silos_for_at_least_fifteen_seconds_and_smoke_runs_not_at_all()
    {
        Assert.Equal(TimeSpan.Zero, PhaseRunner.MinSiloWarmUp(BenchMode.Smoke));
        Assert.True(PhaseRunner.MinSiloWarmUp(BenchMode.Quick) >= TimeSpan.FromSeconds(15));
        Assert.True(PhaseRunner.MinSiloWarmUp(BenchMode.Full) >= PhaseRunner.MinSiloWarmUp(BenchMode.Quick));
    }
}
