using Orleans.Runtime;

namespace Grid.Client.NearCache;

/// <summary>
/// Where a partition's near-cache entries came from, how far its invalidations got, and the last few invalidated
/// keys (so a value read just before them can still be kept when none of them was its key).
/// </summary>
internal sealed class NearPartitionState
{
    private const int RecentCapacity = 64;
    private readonly (long Sequence, string Key)[] _recent = new (long, string)[RecentCapacity];
    private int _recentCount;
    private int _recentNext;

    public SiloAddress? Silo;
    public SiloLease? Lease;
    public long Epoch;
    public long LastSequence;
    public int Generation;

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
        _recentCount = 0;

        // The ring refills from slot 0: MayHaveInvalidatedSince reads slots 0.._recentCount-1, so a restart that kept
        // the write position would look at keys from before it and miss the ones recorded after.
        _recentNext = 0;
    }

    public void Record(long sequence, string key)
    {
        LastSequence = sequence;
        _recent[_recentNext] = (sequence, key);
        _recentNext = (_recentNext + 1) % RecentCapacity;
        _recentCount = Math.Min(RecentCapacity, _recentCount + 1);
    }

    /// <summary>Whether an invalidation after <paramref name="readSequence"/> was (or, beyond what is remembered, may have been) for <paramref name="key"/>.</summary>
    public bool MayHaveInvalidatedSince(string key, long readSequence)
    {
        // Remembered: the last _recentCount sequences, LastSequence - _recentCount + 1 .. LastSequence.
        if (LastSequence - _recentCount > readSequence)
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
}
