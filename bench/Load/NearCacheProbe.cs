using Grid.Bench.Reporting;
using Grid.Client;

namespace Grid.Bench.Load;

/// <summary>The near cache's counters (<see cref="GridCache.GetStatistics"/>) at the measured window's edges.</summary>
internal sealed class NearCacheProbe(GridCache cache) : IWindowProbe
{
    private GridClientStatistics? _start;
    private GridClientStatistics? _end;

    public void WindowStarted() => _start = cache.GetStatistics();

    public void WindowEnded() => _end = cache.GetStatistics();

    /// <summary>What the near cache did over the window; null before both edges were read.</summary>
    public NearCacheWindow? Window => _start is { } a && _end is { } b
        ? new NearCacheWindow
        {
            Hits = b.NearCacheHits - a.NearCacheHits,
            Misses = b.NearCacheMisses - a.NearCacheMisses,
            Bypassed = b.NearCacheBypassed - a.NearCacheBypassed,
            Promotions = b.Promotions - a.Promotions,
            InvalidationsReceived = b.InvalidationsReceived - a.InvalidationsReceived,
            PartitionsDropped = b.PartitionsDropped - a.PartitionsDropped,
            Clears = b.Clears - a.Clears,
            EntriesAtEnd = b.NearCacheEntries,
            BytesAtEnd = b.NearCacheBytes,
        }
        : null;
}
