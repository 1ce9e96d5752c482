using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>
/// The hash or list at a key, for <see cref="HashOps"/> and <see cref="ListOps"/>: found (type-checked, touched) or
/// created, and settled after a change (its new size accounted, the key removed once it is empty). Used under the
/// store's lock.
/// </summary>
internal sealed class StructureAccess(Keyspace keys, StoreChangeFeed feed, StoreCounters counters)
{
    private readonly Keyspace _keys = keys;
    private readonly StoreChangeFeed _feed = feed;
    private readonly RecordTable _table = keys.Table;
    private readonly StoreCounters _counters = counters;

    /// <summary>
    /// The structure at a key, created when missing and <paramref name="create"/> is set. Returns null with
    /// <paramref name="error"/> set (wrong type, missing, or partition full).
    /// </summary>
    public ComplexEntry? Find(ReadOnlySpan<byte> key, ulong hash, long now, GridValueType type, bool create, string operation, out GridResult error)
    {
        int index = _keys.FindLive(key, hash, now, out int slot);
        if (index < 0)
        {
            if (!create)
            {
                error = StoreResults.NotFound;
                return null;
            }

            var record = EntryRecord.Create(type, key, EntryExpiry.None, [], 0, now, out _);
            var created = new ComplexEntry(record, type);
            if (_feed.HearsWrites)
            {
                _feed.PendingDelta = new StructureDelta { Kind = StructureDeltaKind.Create, Entry = created };
            }

            bool inserted = _keys.Insert(hash, slot, created);
            _feed.PendingDelta = null;
            if (!inserted)
            {
                error = StoreResults.PartitionFull;
                return null;
            }

            error = default;
            return created;
        }

        if (_table.ComplexAt(index) is { } entry && EntryRecord.Type(entry.Record) == type)
        {
            EntryRecord.Touch(entry.Record, now);
            error = default;
            return entry;
        }

        error = StoreResults.WrongType(operation, EntryRecord.Type(_table.RecordAt(index)));
        return null;
    }

    /// <summary>The hash or list at the key, expired ones removed (for a check before anything is created), or null (nothing, or a string or counter).</summary>
    public ComplexEntry? Peek(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = _keys.FindLive(key, hash, now, out _);
        return index < 0 ? null : _table.ComplexAt(index);
    }

    /// <summary>Someone hears this store's writes: worth describing them (<see cref="StructureDelta"/>) for replication.</summary>
    public bool WantsDelta => _feed.HearsWrites;

    /// <summary>
    /// Accounts for a structure's change of size, and removes its key when it became empty; else reports the write, with
    /// <paramref name="delta"/> (what the operation changed; null: listeners see only the whole entry).
    /// </summary>
    public void Changed(ComplexEntry entry, long sizeBefore, ReadOnlySpan<byte> key, ulong hash, StructureDelta? delta = null)
    {
        // Account first: the removal subtracts the entry's size as it is now, so the change must be in the bytes already.
        _table.Resized(entry.HeapSize - sizeBefore);
        if (entry.Count == 0)
        {
            int index = _table.Find(key, hash, out int slot);
            _keys.RemoveAt(index, slot, RemovalCause.Deleted);
            _counters.Deletions++;
            return;
        }

        if (delta is not null)
        {
            delta.CountAfter = entry.Count;
            _feed.PendingDelta = delta;
        }

        _keys.Written(entry);
        _feed.PendingDelta = null;
    }
}
