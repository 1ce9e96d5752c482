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
        var key = EntryRecord.Key(RecordTable.RecordOf(entry));
        ulong hash = RecordTable.HashKey(key);
        int index = _table.Find(key, hash, out int slot);
        if (EntryRecord.IsExpired(RecordTable.RecordOf(entry), now))
        {
            if (index >= 0)
            {
                _keys.RemoveAt(index, slot, RemovalCause.Expired);
            }

            return;
        }

        if (index >= 0)
        {
            _keys.Replace(index, entry);
        }
        else
        {
            _keys.Insert(hash, slot, entry);
        }
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
