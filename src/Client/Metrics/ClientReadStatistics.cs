using Grid.Client.NearCache;
using Grid.Protocol;

namespace Grid.Client.Metrics;

/// <summary>
/// One cache's read counts: grid reads by outcome (striped, so counting shares no cache line) and its near cache's own
/// counts, read together as <see cref="GridClientStatistics"/>.
/// </summary>
internal sealed class ClientReadStatistics(NearCacheStore? near)
{
    private readonly StripedCounter _gridHits = new();
    private readonly StripedCounter _gridMisses = new();

    /// <summary>Counts a grid read by its outcome; true when it found a value.</summary>
    public bool CountGridRead(in GridResult result)
    {
        if (result.Status == ResultStatus.Ok)
        {
            _gridHits.Increment();
            return true;
        }

        if (result.Status == ResultStatus.NotFound)
        {
            _gridMisses.Increment();
        }

        return false;
    }

    /// <summary>The counts so far.</summary>
    public GridClientStatistics Snapshot() => new()
    {
        NearCacheHits = near?.Hits.Value ?? 0,
        NearCacheMisses = near?.Misses.Value ?? 0,
        NearCacheBypassed = near?.Bypassed.Value ?? 0,
        GridHits = _gridHits.Value,
        GridMisses = _gridMisses.Value,
        Promotions = near?.Promotions ?? 0,
        InvalidationsReceived = near?.InvalidationsReceived ?? 0,
        PartitionsDropped = near?.PartitionsDropped ?? 0,
        Clears = near?.Clears ?? 0,
        NearCacheEntries = near?.Count ?? 0,
        NearCacheBytes = near?.Bytes ?? 0,
    };

    /// <summary>Entries and value bytes in the near cache now.</summary>
    public (long Entries, long Bytes) NearCacheSize => (near?.Count ?? 0, near?.Bytes ?? 0);
}
