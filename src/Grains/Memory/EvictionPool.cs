using Grid.Grains.Storage;

namespace Grid.Grains.Memory;

/// <summary>
/// The best eviction candidates seen so far across the silo's partitions, oldest first (Redis's eviction pool). Sampling
/// a few entries of a few partitions per round and keeping the oldest across rounds approximates LRU over the whole silo
/// without a global list. Used only under the budget's eviction lock.
/// </summary>
internal sealed class EvictionPool(int size)
{
    private readonly Candidate[] _candidates = new Candidate[size];
    private int _count;
    private uint _now;

    public int Count => _count;

    /// <summary>Sets the stamp ages are measured from (the current time's LRU stamp).</summary>
    public void SetNow(uint nowStamp) => _now = nowStamp;

    /// <summary>Offers an entry of <paramref name="store"/>, known by its key's hash, last used at <paramref name="stamp"/>.</summary>
    public void Offer(PartitionStore store, ulong keyHash, uint stamp)
    {
        uint age = LruStamp.Age(_now, stamp);
        int position = _count;
        for (int i = 0; i < _count; i++)
        {
            if (_candidates[i].KeyHash == keyHash && ReferenceEquals(_candidates[i].Store, store))
            {
                return;
            }

            if (position == _count && age > LruStamp.Age(_now, _candidates[i].Stamp))
            {
                position = i;
            }
        }

        if (position >= _candidates.Length)
        {
            return;
        }

        int last = Math.Min(_count, _candidates.Length - 1);
        Array.Copy(_candidates, position, _candidates, position + 1, last - position);
        _candidates[position] = new Candidate(store, keyHash, stamp);
        if (_count < _candidates.Length)
        {
            _count++;
        }
    }

    public bool TryTakeOldest(out Candidate candidate)
    {
        if (_count == 0)
        {
            candidate = default;
            return false;
        }

        candidate = _candidates[0];
        Array.Copy(_candidates, 1, _candidates, 0, _count - 1);
        _candidates[--_count] = default;
        return true;
    }

    public void Clear()
    {
        Array.Clear(_candidates);
        _count = 0;
    }

    /// <summary>An entry that may be evicted: its store, its key's hash (<see cref="RecordTable.HashKey"/>) and the stamp it had when sampled.</summary>
    public readonly record struct Candidate(PartitionStore Store, ulong KeyHash, uint Stamp);
}
