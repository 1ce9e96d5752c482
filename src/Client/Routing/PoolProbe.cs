namespace Grid.Client.Routing;

/// <summary>The watchdog's rule for a pending probe, apart from the clocks it reads, so it can be tested.</summary>
internal static class PoolProbe
{
    /// <summary>
    /// The verdict for a probe that has waited <paramref name="starvedMs"/> (garbage-collection pauses taken out) while
    /// the process used <paramref name="cpuMs"/> of CPU and the watchdog's own thread was held up
    /// <paramref name="heldUpMs"/> at most. Past <paramref name="blockedMs"/> with under a quarter of one core used, the
    /// pool's threads are blocked; past <paramref name="starvedBoundMs"/>, starved however busy the process was.
    /// </summary>
    public static PoolProbeVerdict Judge(long starvedMs, long cpuMs, long heldUpMs, long blockedMs, long starvedBoundMs)
    {
        if (starvedMs < blockedMs || (starvedMs < starvedBoundMs && cpuMs * 4 >= starvedMs))
        {
            return PoolProbeVerdict.Wait;
        }

        return heldUpMs * 2 >= starvedMs ? PoolProbeVerdict.ProcessStalled : PoolProbeVerdict.Starved;
    }
}
