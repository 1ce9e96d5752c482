namespace Grid.Grains.Storage;

/// <summary>
/// Active expiry of one store (Redis's active expire cycle): each step checks a bounded number of entries from where the
/// last one stopped, removes the expired ones and clamps very old LRU stamps (<see cref="LruStamp.MaxAge"/>). Used
/// under the store's lock.
/// </summary>
internal sealed class ExpirySweep(Keyspace keys, StoreCounters counters)
{
    private readonly Keyspace _keys = keys;
    private readonly RecordTable _table = keys.Table;
    private readonly StoreCounters _counters = counters;
    private int _cursor;

    /// <summary>Checks up to <paramref name="maxChecks"/> entries; returns how many expired ones it removed.</summary>
    public int Sweep(int maxChecks, long now)
    {
        uint stamp = (uint)now;
        int removed = 0;
        for (int checks = 0; checks < maxChecks && _table.Count > 0; checks++)
        {
            if (_cursor >= _table.Count)
            {
                _cursor = 0;
            }

            Span<byte> r = _table.RecordAt(_cursor);
            if (EntryRecord.IsExpired(r, now))
            {
                // The last entry moves into this index, so the cursor stays to check it next.
                _keys.RemoveIndex(_cursor, RemovalCause.Expired);
                _counters.Expirations++;
                removed++;
                continue;
            }

            if (LruStamp.Age(stamp, EntryRecord.Stamp(r)) > LruStamp.MaxAge)
            {
                EntryRecord.SetStamp(r, unchecked(stamp - LruStamp.MaxAge));
            }

            _cursor++;
        }

        return removed;
    }
}
