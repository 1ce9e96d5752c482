namespace Grid.Grains.Storage;

/// <summary>
/// Hands out a partition's entry versions (optimistic concurrency): a hybrid logical clock, the larger of the last
/// version + 1 and the current unix ms shifted left by <see cref="SequenceBits"/>. So versions only grow within the
/// partition, and a partition that moved, failed over or restarted from a snapshot keeps growing past every version it
/// handed out before (the clock <see cref="Observe"/>s the versions of the entries it takes in, and time has moved on),
/// so a version a client holds never comes back for another write of the key. Used under the store's lock.
/// </summary>
/// <remarks>
/// 20 bits of sequence give a million versions per millisecond before the clock runs ahead of time (it then simply
/// counts on), and unix ms fit the remaining 43 bits until the year 2248.
/// </remarks>
internal sealed class VersionClock
{
    /// <summary>Low bits of a version left to the per-millisecond sequence.</summary>
    public const int SequenceBits = 20;

    private long _last;
    private long _floor;

    /// <summary>Sets the time the next versions start from (called once per operation with the operation's time).</summary>
    public void Tick(long nowMs)
    {
        if (nowMs > 0)
        {
            _floor = nowMs << SequenceBits;
        }
    }

    /// <summary>A new version, larger than every one handed out or observed before.</summary>
    public long Next()
    {
        long next = _last + 1;
        if (next < _floor)
        {
            next = _floor;
        }

        _last = next;
        return next;
    }

    /// <summary>Takes in a version handed out elsewhere (a replicated, moved or restored entry), so later ones are larger.</summary>
    public void Observe(long version)
    {
        if (version > _last)
        {
            _last = version;
        }
    }
}
