namespace Grid.Grains.Storage;

/// <summary>
/// The replica side of a store: applies its primary's changes as they arrive (an entry's new state, a removal, a kept
/// request answer). Used under the store's lock.
/// </summary>
internal sealed class ReplicaApplier(Keyspace keys, RequestLog requests)
{
    private readonly Keyspace _keys = keys;
    private readonly RecordTable _table = keys.Table;
    private readonly RequestLog _requests = requests;

    /// <summary>
    /// Puts an entry's new state (a record, or a <see cref="ComplexEntry"/>) at its key, replacing what was there. An
    /// entry that already expired removes the key instead.
    /// </summary>
    public void Write(object entry, long now)
    {
        var complex = entry as ComplexEntry;
        byte[] record = complex?.Record ?? (byte[])entry;
        var key = EntryRecord.Key(record);
        ulong hash = RecordTable.HashKey(key);
        int index = _table.Find(key, hash, out int slot);
        if (EntryRecord.IsExpired(record, now))
        {
            if (index >= 0)
            {
                _keys.RemoveAt(index, slot, RemovalCause.Expired);
            }

            return;
        }

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

    /// <summary>
    /// Applies what one operation changed in a hash or list: its new <paramref name="record"/> (header, key, tags) and
    /// <paramref name="delta"/>. False when this copy cannot follow (the structure is missing, of another type, or does
    /// not end up the size the primary's has): the caller must not keep the replica, which would have diverged.
    /// </summary>
    public bool Delta(byte[] record, StructureDelta delta, long now)
    {
        var key = EntryRecord.Key(record);
        ulong hash = RecordTable.HashKey(key);
        int index = _table.Find(key, hash, out int slot);
        if (EntryRecord.IsExpired(record, now))
        {
            // As a whole write would: an entry that already expired here goes (the primary removes it on its next access).
            if (index >= 0)
            {
                _keys.RemoveAt(index, slot, RemovalCause.Expired);
            }

            return true;
        }

        if (delta.Kind == StructureDeltaKind.Create)
        {
            var created = new ComplexEntry(record, EntryRecord.Type(record));
            if (index >= 0)
            {
                _keys.Replace(index, created);
                return true;
            }

            return _keys.Insert(hash, slot, created);
        }

        if (index < 0 || _table.ComplexAt(index) is not { } entry || EntryRecord.Type(entry.Record) != EntryRecord.Type(record))
        {
            return false;
        }

        _table.ReplaceRecordOf(entry, record);
        long before = entry.HeapSize;
        bool followed = delta.ApplyTo(entry);
        _table.Resized(entry.HeapSize - before);
        _keys.Written(entry);
        return followed;
    }

    /// <summary>Keeps the primary's answer to a write with a request id.</summary>
    public void Request(ulong client, long requestId, long completedBelow, byte[] answer, long now) =>
        _requests.Record(client, requestId, completedBelow, answer, now);

    /// <summary>Removes the entry at <paramref name="key"/>, if any.</summary>
    public void Remove(ReadOnlySpan<byte> key)
    {
        ulong hash = RecordTable.HashKey(key);
        int index = _table.Find(key, hash, out int slot);
        if (index >= 0)
        {
            _keys.RemoveAt(index, slot, RemovalCause.Deleted);
        }
    }
}
