using Grid.Grains.Memory;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>
    /// Offers <paramref name="samples"/> random entries to the eviction pool (sampled LRU, as Redis does). Expired entries
    /// met on the way are removed at once.
    /// </summary>
    public void Sample(EvictionPool pool, int samples, Random random, BatchContext? context = null)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            _context = context;
            try
            {
                SampleLocked(pool, samples, random, now);
            }
            finally
            {
                _context = null;
            }
        }
    }

    private void SampleLocked(EvictionPool pool, int samples, Random random, long now)
    {
        for (int i = 0; i < samples && !_closed && _count > 0; i++)
        {
            int index = random.Next(_count);
            object entry = _records[index];
            byte[] r = RecordOf(entry);
            if (EntryRecord.IsExpired(r, now))
            {
                RemoveIndex(index, RemovalCause.Expired);
                Counters.Expirations++;
                continue;
            }

            pool.Offer(this, entry, EntryRecord.Stamp(r));
        }
    }

    /// <summary>Evicts the entry if it is still there and has not been used since it was sampled.</summary>
    public bool TryEvict(object entry, uint stamp, BatchContext? context = null)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _context = context;
            try
            {
                return EvictLocked(entry, stamp);
            }
            finally
            {
                _context = null;
            }
        }
    }

    private bool EvictLocked(object entry, uint stamp)
    {
        byte[] r = RecordOf(entry);
        var key = EntryRecord.Key(r);
        int index = Find(key, HashKey(key), out int slot);
        if (index < 0 || !ReferenceEquals(_records[index], entry) || EntryRecord.Stamp(r) != stamp)
        {
            return false;
        }

        RemoveAt(index, slot, RemovalCause.Evicted);
        Counters.Evictions++;
        return true;
    }
}
