namespace Grid.Grains.Storage;

/// <summary>
/// A store's whole state as it moves with its partition (migration, a replica's seed, a promotion): the live entries,
/// the version and the kept request answers, copied out (<see cref="Snapshot"/>) or loaded into a new, empty store
/// (<see cref="Restore"/>). Used under the store's lock.
/// </summary>
internal sealed class StoreSnapshotter(Keyspace keys, StoreChangeFeed feed, RequestLog requests, StoreCounters counters)
{
    private readonly Keyspace _keys = keys;
    private readonly RecordTable _table = keys.Table;
    private readonly StoreChangeFeed _feed = feed;
    private readonly RequestLog _requests = requests;
    private readonly StoreCounters _counters = counters;

    /// <summary>Copies every live entry (expired ones are left behind).</summary>
    public StoreSnapshot Snapshot(long now)
    {
        int count = _table.Count;
        var records = new List<byte[]>(count);
        var structures = new List<StructureSnapshot>();
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> record = _table.RecordAt(i);
            if (EntryRecord.IsExpired(record, now))
            {
                continue;
            }

            if (_table.ComplexAt(i) is { } complex)
            {
                structures.Add(StructureSnapshot.From(complex));
            }
            else
            {
                records.Add(record.ToArray());
            }
        }

        return new StoreSnapshot { Records = [.. records], Structures = [.. structures], Version = _feed.Version, Requests = _requests.Snapshot(now) };
    }

    /// <summary>Loads a snapshot; entries that expired meanwhile are dropped (and counted).</summary>
    public void Restore(StoreSnapshot snapshot, long now)
    {
        // Arriving entries are not changes: listeners already know them.
        _feed.Restoring = true;
        foreach (var record in snapshot.Records)
        {
            Add(record, now);
        }

        foreach (var structure in snapshot.Structures)
        {
            Add(structure.ToEntry(), now);
        }

        _feed.Version = Math.Max(_feed.Version, snapshot.Version);
        if (snapshot.Requests is { } requests)
        {
            _requests.Restore(requests, now);
        }

        _feed.Restoring = false;
    }

    private void Add(object entry, long now)
    {
        var complex = entry as ComplexEntry;
        byte[] record = complex?.Record ?? (byte[])entry;
        if (EntryRecord.IsExpired(record, now))
        {
            _counters.Expirations++;
            return;
        }

        var key = EntryRecord.Key(record);
        ulong hash = RecordTable.HashKey(key);
        int index = _table.Find(key, hash, out int slot);
        if (complex is not null)
        {
            if (index >= 0)
            {
                _keys.Replace(index, complex);
            }
            else
            {
                _keys.Insert(hash, slot, complex);
            }
        }
        else if (index >= 0)
        {
            _keys.Replace(index, record, record);
        }
        else
        {
            _keys.Insert(hash, slot, record, record);
        }
    }
}
