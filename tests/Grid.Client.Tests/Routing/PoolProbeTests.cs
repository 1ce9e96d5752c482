using Grid.Client.Routing;

namespace Grid.Client.Tests.Routing;

/// <summary>The watchdog's rule for a thread-pool probe that has not run: wait, act on a starved pool, or see a stalled process.</summary>
public sealed class PoolProbeTests
{
    private const long Blocked = 100;
    private const long Starved = 250;

    [Theory]
    [InlineData(50, 0, 0, "Wait")]              // too short to tell
    [InlineData(150, 100, 0, "Wait")]           // busy: the process used CPU meanwhile
    [InlineData(150, 5, 0, "Starved")]          // blocked: almost no CPU, act at once
    [InlineData(300, 600, 0, "Starved")]        // past the bound, busy or not
    [InlineData(300, 7, 0, "Starved")]          // the fault test's stall: 8 threads blocked, 7 ms of CPU
    [InlineData(300, 2, 280, "ProcessStalled")] // the watchdog itself did not run: nothing to add threads for
    [InlineData(150, 2, 120, "ProcessStalled")]
    public void Judges_a_pending_probe(long starvedMs, long cpuMs, long heldUpMs, string expected) =>
        Assert.Equal(Enum.Parse<PoolProbeVerdict>(expected), PoolProbe.Judge(starvedMs, cpuMs, heldUpMs, Blocked, Starved));
}
