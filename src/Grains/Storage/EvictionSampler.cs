using Grid.Grains.Memory;

namespace Grid.Grains.Storage;

/// <summary>
/// A store's side of the silo's sampled LRU (as Redis evicts): offers random entries to the <see cref="EvictionPool"/>
/// and evicts a chosen one only if it was not used since it was sampled. Used under the store's lock.
/// </summary>
internal sealed class EvictionSampler(Keyspace keys, StoreCounters counters)
{
    private readonly Keyspace _keys = keys;
    private readonly RecordTable _table = keys.Table;
    private readonly StoreCounters _counters = counters;

    /// <summary>
    /// Offers <paramref name="samples"/> random entries of <paramref name="store"/> (this sampler's) to
    /// <paramref name="pool"/>. Expired entries met on the way are removed at once.
    /// </summary>
    public void Sample(PartitionStore store, EvictionPool pool, int samples, Random random, long now)
    {
        for (int i = 0; i < samples && _table.Count > 0; i++)
        {
            int index = random.Next(_table.Count);
            object entry = _table[index];
            byte[] r = RecordTable.RecordOf(entry);
            if (EntryRecord.IsExpired(r, now))
            {
                _keys.RemoveIndex(index, RemovalCause.Expired);
                _counters.Expirations++;
                continue;
            }

            pool.Offer(store, entry, EntryRecord.Stamp(r));
        }
    }

    /// <summary>Evicts <paramref name="entry"/> if it is still there and its stamp is still <paramref name="stamp"/>.</summary>
    public bool TryEvict(object entry, uint stamp)
    {
        byte[] r = RecordTable.RecordOf(entry);
        var key = EntryRecord.Key(r);
        int index = _table.Find(key, RecordTable.HashKey(key), out int slot);
        if (index < 0 || !ReferenceEquals(_table[index], entry) || EntryRecord.Stamp(r) != stamp)
        {
            return false;
        }

        _keys.RemoveAt(index, slot, RemovalCause.Evicted);
        _counters.Evictions++;
        return true;
    }
}
