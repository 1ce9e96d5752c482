namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>A copy of a hash or list entry: its record and elements (the caller holds the store's lock).</summary>
    internal static StructureSnapshot CopyStructure(ComplexEntry complex)
    {
        var snapshot = new StructureSnapshot { Record = complex.Record.AsSpan().ToArray() };
        if (complex.Hash is { } hash)
        {
            var fields = new string[hash.Count];
            var values = new byte[fields.Length][];
            int i = 0;
            foreach (var pair in hash)
            {
                fields[i] = pair.Key;
                values[i] = pair.Value;
                i++;
            }

            snapshot.Fields = fields;
            snapshot.Values = values;
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

        return snapshot;
    }

    /// <summary>A hash or list entry rebuilt from its snapshot.</summary>
    internal static ComplexEntry EntryFrom(StructureSnapshot structure)
    {
        var entry = new ComplexEntry(structure.Record, EntryRecord.Type(structure.Record));
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

        return entry;
    }

    /// <summary>
    /// Replica side: puts an entry's new state (a record, or a <see cref="ComplexEntry"/>) at its key, replacing what
    /// was there. An entry that already expired removes the key instead.
    /// </summary>
    public void ApplyReplicaWrite(object entry)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            var key = EntryRecord.Key(RecordOf(entry));
            ulong hash = HashKey(key);
            int index = Find(key, hash, out int slot);
            if (EntryRecord.IsExpired(RecordOf(entry), now))
            {
                if (index >= 0)
                {
                    RemoveAt(index, slot, RemovalCause.Expired);
                }

                return;
            }

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

    /// <summary>Replica side: keeps the primary's answer to a write with a request id.</summary>
    public void ApplyReplicaRequest(ulong client, long requestId, long completedBelow, byte[] answer)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            if (!_closed)
            {
                _requests.Record(client, requestId, completedBelow, answer, now);
            }
        }
    }

    /// <summary>Replica side: removes the entry at <paramref name="key"/>, if any.</summary>
    public void ApplyReplicaRemove(ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            ulong hash = HashKey(key);
            int index = Find(key, hash, out int slot);
            if (index >= 0)
            {
                RemoveAt(index, slot, RemovalCause.Deleted);
            }
        }
    }
}
