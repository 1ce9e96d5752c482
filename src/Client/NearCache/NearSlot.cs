namespace Grid.Client.NearCache;

/// <summary>
/// What the near cache knows about one entry besides its key and value, kept by value in one array of the
/// <see cref="NearCacheTable"/> (no object per entry). <see cref="Version"/> is the slot's seqlock: odd while a writer
/// changes the slot, bumped to the next even number when done, so a lock-free reader that sees the same even version
/// before and after reading the slot knows it read one entry whole.
/// </summary>
internal struct NearSlot
{
    /// <summary>The seqlock: even when stable, odd while being written.</summary>
    public int Version;

    /// <summary>The key's hash (<see cref="NearCacheTable.HashOf"/>), compared before the key itself.</summary>
    public int Hash;

    /// <summary>The next slot of the same bucket, plus one (0: end of the chain).</summary>
    public int Next;

    /// <summary>The partition the value was read from.</summary>
    public int Partition;

    /// <summary>The partition's generation when the value was kept: a dropped partition bumps it.</summary>
    public int Generation;

    /// <summary>The store's generation when the value was kept: a clear bumps it.</summary>
    public int GlobalGeneration;

    /// <summary>When the copy stops being served (on the store's millisecond clock).</summary>
    public long ExpiresAtMs;

    /// <summary>The partition's invalidation sequence when the value was read: older invalidations do not apply to it.</summary>
    public long ReadSequence;
}
