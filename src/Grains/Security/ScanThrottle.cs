using Grid.Grains.Hosting;

namespace Grid.Grains.Security;

/// <summary>
/// Bounds the pattern scans running at once on this silo (<see cref="GridLimits.MaxConcurrentScans"/>); a scan past it
/// waits up to <see cref="GridLimits.RequestQueueTimeout"/> for one to end, then fails with <see cref="GridBusyException"/>.
/// Each scan already examines at most <see cref="GridTagOptions.ScanBatchSize"/> entries per store lock hold.
/// </summary>
internal sealed class ScanThrottle(GridLimits limits, string silo)
{
    private readonly GridLimits _limits = limits;
    private readonly SemaphoreSlim _slots = new(limits.MaxConcurrentScans, limits.MaxConcurrentScans);

    /// <summary>Pattern scans running now.</summary>
    public int Running => _limits.MaxConcurrentScans - _slots.CurrentCount;

    /// <summary>Runs <paramref name="scan"/> once a slot is free.</summary>
    public async Task<long> RunAsync(Func<Task<long>> scan)
    {
        if (!await _slots.WaitAsync(_limits.RequestQueueTimeout).ConfigureAwait(false))
        {
            throw new GridBusyException(
                $"Silo {silo} refused the pattern scan: {_limits.MaxConcurrentScans} scans are running there (Grid:Limits:MaxConcurrentScans) " +
                $"and none ended within {_limits.RequestQueueTimeout} (RequestQueueTimeout). Nothing was removed on that silo.");
        }

        try
        {
            return await scan().ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
