using Grid.Metrics;

namespace Grid.Client;

/// <summary>
/// Counts the hits and misses of one cache level in front of the grid client (an HTTP edge cache, ASP.NET Core output
/// caching). Striped per thread, so counting on a request path shares no cache line. Get one from
/// <see cref="GridLevelCounters.For"/>; the client reports it to the silos with its own near-cache counts.
/// </summary>
public sealed class GridHitCounter
{
    private const int HitIndex = 0;
    private const int MissIndex = 1;
    private readonly StripedCounters _counts = new(2);

    internal GridHitCounter(string level) => Level = level;

    /// <summary>The level's name as the dashboard shows it: <c>edge</c>, <c>output</c>, or an application's own.</summary>
    public string Level { get; }

    /// <summary>Lookups the level answered so far.</summary>
    public long Hits => _counts[HitIndex];

    /// <summary>Lookups it did not answer so far.</summary>
    public long Misses => _counts[MissIndex];

    /// <summary>Counts a lookup the level answered.</summary>
    public void Hit() => _counts.Increment(HitIndex);

    /// <summary>Counts a lookup it did not answer.</summary>
    public void Miss() => _counts.Increment(MissIndex);
}
