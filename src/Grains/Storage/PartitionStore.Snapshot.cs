using Grid.Protocol;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>Copies every live entry (expired ones are left behind and counted).</summary>
    public StoreSnapshot Snapshot()
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            var records = new List<byte[]>(_count);
            var structures = new List<StructureSnapshot>();
            for (int i = 0; i < _count; i++)
            {
                object entry = _records[i];
                if (EntryRecord.IsExpired(RecordOf(entry), now))
                {
                    continue;
                }

                if (entry is byte[] record)
                {
                    records.Add(record.AsSpan().ToArray());
                    continue;
                }

                var complex = (ComplexEntry)entry;
                var snapshot = new StructureSnapshot { Record = complex.Record.AsSpan().ToArray() };
                if (complex.Hash is { } hash)
                {
                    snapshot.Fields = [.. hash.Keys];
                    snapshot.Values = [.. hash.Values];
                }
                else
                {
                    var list = complex.List!;
                    snapshot.Values = new byte[list.Count][];
                    for (int j = 0; j < list.Count; j++)
                    {
                        snapshot.Values[j] = list[j];
                    }
                }

                structures.Add(snapshot);
            }

            return new StoreSnapshot { Records = [.. records], Structures = [.. structures], Version = Version, Requests = _requests.Snapshot(now) };
        }
    }

    /// <summary>Loads a snapshot into this (new, empty) store; entries that expired meanwhile are dropped.</summary>
    public void Restore(StoreSnapshot snapshot)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            // Arriving entries are not changes: listeners already know them.
            _restoring = true;
            foreach (var record in snapshot.Records)
            {
                Add(record, now);
            }

            foreach (var structure in snapshot.Structures)
            {
                var type = EntryRecord.Type(structure.Record);
                var entry = new ComplexEntry(structure.Record, type);
                for (int i = 0; i < structure.Values.Length; i++)
                {
                    if (entry.Hash is not null)
                    {
                        entry.SetField(structure.Fields![i], structure.Values[i]);
                    }
                    else
                    {
                        entry.Push(structure.Values[i], left: false);
                    }
                }

                Add(entry, now);
            }

            Version = Math.Max(Version, snapshot.Version);
            if (snapshot.Requests is { } requests)
            {
                _requests.Restore(requests, now);
            }

            _restoring = false;
        }
    }

    private void Add(object entry, long now)
    {
        byte[] record = RecordOf(entry);
        if (EntryRecord.IsExpired(record, now))
        {
            Counters.Expirations++;
            return;
        }

        var key = EntryRecord.Key(record);
        ulong hash = HashKey(key);
        int index = Find(key, hash, out int slot);
        if (index >= 0)
        {
            Replace(index, entry);
        }
        else
        {
            Insert(hash, slot, entry);
        }
    }
}
