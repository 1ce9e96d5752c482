using Orleans.Runtime;

namespace Grid.Client.NearCache;

/// <summary>
/// Where a partition's near-cache entries came from, how far its invalidations got, and the last few invalidated
/// keys (so a value read just before them can still be kept when none of them was its key). Pushes may arrive out of
/// order (Orleans does not keep one-way calls in order): an invalidation that overtook others opens a hole, and the
/// partition's copies are not served until the holes are filled (the missing ones may be for any of its keys); one
/// that comes more than <see cref="MaxAhead"/> ahead is taken for a lost push.
/// </summary>
internal sealed class NearPartitionState
{
    /// <summary>How far past the last contiguous sequence an invalidation may arrive and still wait for those before it.</summary>
    public const int MaxAhead = 64;

    private const int RecentCapacity = 64;
    private readonly (long Sequence, string Key)[] _recent = new (long, string)[RecentCapacity];
    private int _recentCount;
    private int _recentNext;

    // Every invalidation at or below it that is not in _recent is unknown (pushed out of the ring, or before a restart).
    private long _forgottenUpTo;

    public SiloAddress? Silo;
    public SiloLease? Lease;
    public long Epoch;
    public int Generation;

    /// <summary>Every invalidation up to here has been applied.</summary>
    public long LastSequence;

    /// <summary>The highest invalidation applied (above <see cref="LastSequence"/> while there are holes).</summary>
    public long HighestSequence;

    /// <summary>
    /// Invalidations applied past <see cref="LastSequence"/>: bit i is sequence LastSequence + 1 + i (bit 0 is always
    /// clear: that one is missing). Not zero: there are holes, and the partition's copies are not served (read lock-free).
    /// </summary>
    public ulong Ahead;

    private const int PreviousCapacity = 4;
    private (SiloAddress Silo, long Epoch, long LastSequence)[]? _previous;
    private int _previousNext;

    /// <summary>Remembers how far invalidations from a silo the partition is no longer held from got (a few, oldest replaced).</summary>
    public void RememberPrevious(SiloAddress silo, long epoch, long lastSequence)
    {
        _previous ??= new (SiloAddress, long, long)[PreviousCapacity];
        for (int i = 0; i < _previous.Length; i++)
        {
            if (_previous[i].Silo is { } known && known.Equals(silo) && _previous[i].Epoch == epoch)
            {
                _previous[i].LastSequence = Math.Max(_previous[i].LastSequence, lastSequence);
                return;
            }
        }

        _previous[_previousNext] = (silo, epoch, lastSequence);
        _previousNext = (_previousNext + 1) % PreviousCapacity;
    }

    /// <summary>Whether the partition was held from <paramref name="silo"/> before, and how far its invalidations got.</summary>
    public bool SeenBefore(SiloAddress silo, long epoch, out long lastSequence)
    {
        if (_previous is { } previous)
        {
            foreach (var (known, knownEpoch, last) in previous)
            {
                if (known is not null && known.Equals(silo) && knownEpoch == epoch)
                {
                    lastSequence = last;
                    return true;
                }
            }
        }

        lastSequence = 0;
        return false;
    }

    /// <summary>An invalidation from a previous silo arrived late: it got this far.</summary>
    public void AdvancePrevious(SiloAddress silo, long epoch, long sequence) => RememberPrevious(silo, epoch, sequence);

    /// <summary>The partition is held from <paramref name="silo"/> again: it is current, not previous.</summary>
    public void ForgetPrevious(SiloAddress silo, long epoch)
    {
        if (_previous is { } previous)
        {
            for (int i = 0; i < previous.Length; i++)
            {
                if (previous[i].Silo is { } known && known.Equals(silo) && previous[i].Epoch == epoch)
                {
                    previous[i] = default;
                }
            }
        }
    }

    /// <summary>Starts counting again from <paramref name="sequence"/>, knowing no earlier invalidation.</summary>
    public void Restart(long sequence)
    {
        LastSequence = sequence;
        HighestSequence = sequence;
        Volatile.Write(ref Ahead, 0UL);
        _forgottenUpTo = sequence;
        _recentCount = 0;

        // The ring refills from slot 0: MayHaveInvalidatedSince reads slots 0.._recentCount-1, so a restart that kept
        // the write position would look at keys from before it and miss the ones recorded after.
        _recentNext = 0;
    }

    /// <summary>
    /// Takes in invalidation <paramref name="sequence"/> of <paramref name="key"/>: <see cref="Arrival.Applied"/> (in order,
    /// or ahead of ones still missing), <see cref="Arrival.Seen"/> (already applied) or <see cref="Arrival.TooFarAhead"/>
    /// (more than <see cref="MaxAhead"/> past the last contiguous one: taken for a lost push; nothing recorded).
    /// </summary>
    public Arrival Arrive(long sequence, string key)
    {
        if (sequence <= LastSequence)
        {
            return Arrival.Seen;
        }

        long distance = sequence - LastSequence - 1;
        if (distance >= MaxAhead)
        {
            return Arrival.TooFarAhead;
        }

        ulong bit = 1UL << (int)distance;
        ulong ahead = Ahead;
        if ((ahead & bit) != 0)
        {
            return Arrival.Seen;
        }

        ahead |= bit;
        long last = LastSequence;
        while ((ahead & 1) != 0)
        {
            ahead >>= 1;
            last++;
        }

        LastSequence = last;
        Volatile.Write(ref Ahead, ahead);
        HighestSequence = Math.Max(HighestSequence, sequence);
        Remember(sequence, key);
        return Arrival.Applied;
    }

    /// <summary>Whether an invalidation after <paramref name="readSequence"/> was (or, beyond what is remembered, may have been) for <paramref name="key"/>.</summary>
    /// <remarks>Invalidations still missing are not counted: when they arrive they remove a copy read before them.</remarks>
    public bool MayHaveInvalidatedSince(string key, long readSequence)
    {
        if (_forgottenUpTo > readSequence)
        {
            return true;
        }

        for (int i = 0; i < _recentCount; i++)
        {
            var (sequence, invalidated) = _recent[i];
            if (sequence > readSequence && string.Equals(invalidated, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void Remember(long sequence, string key)
    {
        if (_recentCount == RecentCapacity)
        {
            _forgottenUpTo = Math.Max(_forgottenUpTo, _recent[_recentNext].Sequence);
        }

        _recent[_recentNext] = (sequence, key);
        _recentNext = (_recentNext + 1) % RecentCapacity;
        _recentCount = Math.Min(RecentCapacity, _recentCount + 1);
    }

    /// <summary>What became of an arriving invalidation (<see cref="Arrive"/>).</summary>
    public enum Arrival
    {
        /// <summary>Applied now.</summary>
        Applied,

        /// <summary>Applied before: nothing to record.</summary>
        Seen,

        /// <summary>Too far past the ones still missing: a push was lost.</summary>
        TooFarAhead,
    }
}
