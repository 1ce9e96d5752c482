using System.Runtime.CompilerServices;

namespace Grid.Grains.Storage;

/// <summary>
/// The keys of a partition as operations see them: the <see cref="RecordTable"/>, where an expired entry met on access
/// is gone (removed and counted), and where every write and removal bumps the version, ends the key's near-cache
/// tracking and is reported to the <see cref="StoreChangeFeed"/>. Everything that changes entries goes through here so
/// no change escapes the listeners. Used under the store's lock.
/// </summary>
internal sealed class Keyspace(RecordTable table, StoreChangeFeed feed, NearCacheTracking tracking, StoreCounters counters)
{
    private readonly RecordTable _table = table;
    private readonly StoreChangeFeed _feed = feed;
    private readonly NearCacheTracking _tracking = tracking;
    private readonly StoreCounters _counters = counters;

    public RecordTable Table => _table;

    /// <summary>Like <see cref="RecordTable.Find"/>, but an expired entry is removed (and counted) and reported as absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindLive(ReadOnlySpan<byte> key, ulong hash, long nowMs, out int slot)
    {
        int index = _table.Find(key, hash, out slot);
        if (index >= 0 && EntryRecord.IsExpired(RecordTable.RecordOf(_table[index]), nowMs))
        {
            RemoveAt(index, slot, RemovalCause.Expired);
            _counters.Expirations++;
            index = _table.Find(key, hash, out slot);
        }

        return index;
    }

    /// <summary>Adds an entry at a slot <see cref="RecordTable.Find"/> returned and reports it; false when the partition is full.</summary>
    public bool Insert(ulong hash, int slot, object entry)
    {
        if (!_table.Insert(hash, slot, entry))
        {
            return false;
        }

        Written(entry);
        return true;
    }

    /// <summary>Puts a new entry object in place of entry <paramref name="index"/> (same key) and reports it.</summary>
    public void Replace(int index, object entry)
    {
        var previous = _table.Replace(index, entry);
        Written(entry, previous);
    }

    /// <summary>Bumps the version and reports that <paramref name="entry"/> was written (it replaced <paramref name="previous"/>, if given).</summary>
    public void Written(object entry, object? previous = null)
    {
        _feed.Version++;
        if (_feed.HearsWrites)
        {
            byte[] record = RecordTable.RecordOf(entry);
            _feed.Written(entry, record, previous, _tracking.TakeTrackers(EntryRecord.Key(record)));
        }
    }

    /// <summary>Bumps the version, reports the removal and removes entry <paramref name="index"/> found at <paramref name="slot"/>.</summary>
    public void RemoveAt(int index, int slot, RemovalCause cause)
    {
        _feed.Version++;
        if (_feed.HearsRemovals)
        {
            byte[] record = RecordTable.RecordOf(_table[index]);
            _feed.Removed(record, cause, _tracking.TakeTrackers(EntryRecord.Key(record)));
        }

        _table.RemoveAt(index, slot);
    }

    /// <summary><see cref="RemoveAt"/> for an entry known by its index only.</summary>
    public void RemoveIndex(int index, RemovalCause cause) => RemoveAt(index, _table.SlotOf(index), cause);
}
