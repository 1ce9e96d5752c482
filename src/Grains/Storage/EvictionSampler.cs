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
    /// <paramref name="pool"/>, each known by its key's hash (records move; keys do not). Expired entries met on the way
    /// are removed at once.
    /// </summary>
    public void Sample(PartitionStore store, EvictionPool pool, int samples, Random random, long now)
    {
        for (int i = 0; i < samples && _table.Count > 0; i++)
        {
            int index = random.Next(_table.Count);
            ReadOnlySpan<byte> r = _table.RecordAt(index);
            if (EntryRecord.IsExpired(r, now))
            {
                _keys.RemoveIndex(index, RemovalCause.Expired);
                _counters.Expirations++;
                continue;
            }

            pool.Offer(store, RecordTable.HashKey(EntryRecord.Key(r)), EntryRecord.Stamp(r));
        }
    }

    /// <summary>
    /// Evicts the entry whose key hashes to <paramref name="keyHash"/> if it is still there and its stamp is still
    /// <paramref name="stamp"/> (not used since it was sampled).
    /// </summary>
    public bool TryEvict(ulong keyHash, uint stamp)
    {
        int index = _table.FindByHash(keyHash);
        if (index < 0 || EntryRecord.Stamp(_table.RecordAt(index)) != stamp)
        {
            return false;
        }

        _keys.RemoveIndex(index, RemovalCause.Evicted);
        _counters.Evictions++;
        return true;
    }
}
