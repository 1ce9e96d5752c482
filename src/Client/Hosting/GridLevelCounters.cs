using System.Collections.Concurrent;

namespace Grid.Client;

/// <summary>
/// The cache levels in front of the grid client in this process, each with its <see cref="GridHitCounter"/>.
/// Registered (one per container) by <c>AddGridCache</c>; the client reports every level, with its near cache's
/// counts, to the silos every few seconds, and a silo's dashboard shows each level's hit ratio (the silos only see
/// the reads that reach them, so a page served from an edge cache is invisible to them otherwise).
/// </summary>
public sealed class GridLevelCounters
{
    private readonly ConcurrentDictionary<string, GridHitCounter> _levels = new(StringComparer.Ordinal);

    /// <summary>The counter of <paramref name="level"/> (created on first use; keep it rather than asking per lookup).</summary>
    /// <param name="level">A short name: <c>edge</c>, <c>output</c>, or an application's own level.</param>
    public GridHitCounter For(string level)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(level);
        return _levels.GetOrAdd(level, static name => new GridHitCounter(name));
    }

    /// <summary>Every level counted so far.</summary>
    public IReadOnlyCollection<GridHitCounter> All => [.. _levels.Values];
}
