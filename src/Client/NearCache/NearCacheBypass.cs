namespace Grid.Client.NearCache;

/// <summary>
/// Decides whether a read consults the near cache at all. A near cache that has filled and whose hit ratio stays below
/// <see cref="NearCacheOptions.MinHitRatio"/> costs its lookups (a miss walks a table much larger than the CPU's caches)
/// and its tracked reads more than its few hits save: then reads bypass it and go to the grid untracked, as with the near
/// cache off, except one read in <see cref="SampleEvery"/> and reads of keys a silo marked hot. Those still look, keep
/// and admit as usual, so the hit ratio goes on being measured on the near cache's real contents and a working set that
/// comes to fit (or a hot set that forms) brings the near cache back within a window.
/// </summary>
/// <remarks>
/// The hit ratio is the store's own counters' (lookups only, so bypassed reads do not dilute it), over windows of
/// <see cref="WindowLookups"/> lookups (or, once <see cref="MaxWindowMs"/> old, at least <see cref="MinWindowLookups"/>),
/// looked at every <see cref="CheckEvery"/> decisions. A near cache that has not yet
/// been full is never bypassed: while it fills, a low hit ratio says nothing about what it will hold. Bypassing is always
/// safe: a bypassed read is an ordinary grid read. The decision counter is a plain field updated without atomics (a lost
/// count only shifts the sample or the next look), so consulting costs a read and an increment.
/// </remarks>
internal sealed class NearCacheBypass
{
    /// <summary>While bypassing, one read in this many still consults the near cache (and measures it).</summary>
    public const int SampleEvery = 16;

    /// <summary>Lookups a hit ratio is measured over.</summary>
    public const long WindowLookups = 16_384;

    /// <summary>
    /// A window also closes once it is this old and holds <see cref="MinWindowLookups"/> lookups: a client reading a few
    /// thousand keys a second, bypassed (one read in 16 looks), would otherwise wait minutes for a window to fill.
    /// </summary>
    public const long MaxWindowMs = 5_000;

    /// <summary>Fewest lookups a window closed by its age is judged on.</summary>
    public const long MinWindowLookups = 1_024;

    /// <summary>Decisions between two looks at the window (a power of two).</summary>
    private const int CheckEvery = 1024;

    private readonly NearCacheStore _store;
    private readonly double _minHitRatio;
    private readonly Lock _evaluating = new();
    private int _decisions;
    private long _hitsAtWindowStart;
    private long _missesAtWindowStart;
    private long _windowStartedMs = -1;
    private volatile bool _bypassing;

    /// <param name="store">The near cache measured.</param>
    /// <param name="minHitRatio">The hit ratio below which a near cache that has filled is bypassed (0: never).</param>
    public NearCacheBypass(NearCacheStore store, double minHitRatio)
    {
        _store = store;
        _minHitRatio = minHitRatio;
    }

    /// <summary>Whether reads bypass the near cache now (except the sample and hot keys).</summary>
    public bool IsBypassing => _bypassing;

    /// <summary>Whether a read of the key with near-cache hash <paramref name="hash"/> looks in the near cache (and may be admitted).</summary>
    public bool Consults(int hash)
    {
        int decision = ++_decisions;
        if ((decision & (CheckEvery - 1)) == 0)
        {
            Evaluate();
        }

        if (!_bypassing || decision % SampleEvery == 0 || _store.IsHinted(hash))
        {
            return true;
        }

        _store.Bypassed.Increment();
        return false;
    }

    /// <summary>Closes the window once it holds <see cref="WindowLookups"/> lookups and decides from its hit ratio.</summary>
    private void Evaluate()
    {
        if (_minHitRatio <= 0 || !_evaluating.TryEnter())
        {
            return;
        }

        try
        {
            long hits = _store.Hits.Value;
            long misses = _store.Misses.Value;
            long windowHits = hits - _hitsAtWindowStart;
            long lookups = windowHits + (misses - _missesAtWindowStart);
            long now = _store.NowMs;
            if (_windowStartedMs < 0)
            {
                _windowStartedMs = now;
            }

            if (lookups < WindowLookups && (lookups < MinWindowLookups || now - _windowStartedMs < MaxWindowMs))
            {
                return;
            }

            _hitsAtWindowStart = hits;
            _missesAtWindowStart = misses;
            _windowStartedMs = now;
            _bypassing = _store.HasFilled && windowHits < _minHitRatio * lookups;
        }
        finally
        {
            _evaluating.Exit();
        }
    }
}
