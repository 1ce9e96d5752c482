namespace Grid.Grains.HotKeys;

/// <summary>
/// The keys with the highest estimates in a <see cref="CountMinSketch"/>: at most <see cref="Capacity"/> members. A
/// key is offered after each count; the common case (not above the entry bar, or a member already) takes no lock and
/// allocates nothing. A key whose estimate clears the bar (the smallest member's estimate plus an eighth, at least 8)
/// replaces that member, its bytes copied then. The margin keeps the list still under uniform traffic, where every
/// key's count is about the same and a bare "greater than" would swap members on almost every operation.
/// </summary>
internal sealed class TopKeys
{
    private readonly CountMinSketch _sketch;
    private readonly Lock _gate = new();
    private readonly ulong[] _hashes;
    private readonly byte[]?[] _keys;
    private int _count;

    // The entry bar when the set is full (0 while it is not): offers at or below it change nothing.
    private uint _threshold;

    public TopKeys(CountMinSketch sketch, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _sketch = sketch;
        _hashes = new ulong[capacity];
        _keys = new byte[capacity][];
        Capacity = capacity;
    }

    /// <summary>Most members kept.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Considers <paramref name="key"/> (hash <paramref name="hash"/>) whose estimate is now <paramref name="estimate"/>;
    /// true when it is a member above the entry bar (a member at or below the bar, the weakest, answers false).
    /// </summary>
    public bool Offer(ulong hash, ReadOnlySpan<byte> key, uint estimate)
    {
        if (estimate <= Volatile.Read(ref _threshold))
        {
            return false;
        }

        // A member already (read without the lock: a stale view only sends the key to the locked check below).
        var hashes = _hashes;
        int count = Volatile.Read(ref _count);
        for (int i = 0; i < count; i++)
        {
            if (hashes[i] == hash)
            {
                return true;
            }
        }

        lock (_gate)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_hashes[i] == hash && key.SequenceEqual(_keys[i]))
                {
                    return true;
                }
            }

            if (_count < Capacity)
            {
                _keys[_count] = key.ToArray();
                _hashes[_count] = hash;
                Volatile.Write(ref _count, _count + 1);
                if (_count == Capacity)
                {
                    Volatile.Write(ref _threshold, Bar(Smallest(out _)));
                }

                return true;
            }

            uint bar = Bar(Smallest(out int weakest));
            bool entered = estimate > bar;
            if (entered)
            {
                _keys[weakest] = key.ToArray();
                _hashes[weakest] = hash;
                bar = Bar(Smallest(out _));
            }

            Volatile.Write(ref _threshold, bar);
            return entered;
        }
    }

    /// <summary>Halves the threshold with the sketch's counters, so newly hot keys can enter.</summary>
    public void Decayed()
    {
        lock (_gate)
        {
            Volatile.Write(ref _threshold, _threshold >> 1);
        }
    }

    /// <summary>The members with their current estimates, highest first.</summary>
    public List<(byte[] Key, ulong Hash, uint Estimate)> Snapshot()
    {
        var members = new List<(byte[] Key, ulong Hash, uint Estimate)>(Capacity);
        lock (_gate)
        {
            for (int i = 0; i < _count; i++)
            {
                members.Add((_keys[i]!, _hashes[i], _sketch.Estimate(_hashes[i])));
            }
        }

        members.Sort(static (a, b) => b.Estimate.CompareTo(a.Estimate));
        return members;
    }

    /// <summary>What an estimate must exceed to replace a member whose estimate is <paramref name="smallest"/>.</summary>
    private static uint Bar(uint smallest) => (uint)Math.Min(uint.MaxValue, (ulong)smallest + Math.Max(smallest >> 3, 8u));

    private uint Smallest(out int index)
    {
        uint smallest = uint.MaxValue;
        index = 0;
        for (int i = 0; i < _count; i++)
        {
            uint estimate = _sketch.Estimate(_hashes[i]);
            if (estimate < smallest)
            {
                smallest = estimate;
                index = i;
            }
        }

        return smallest;
    }
}
