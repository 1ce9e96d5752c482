using System.Runtime.CompilerServices;

namespace Grid.Grains.Storage;

/// <summary>
/// The keys of a partition as operations see them: the <see cref="RecordTable"/>, where an expired entry met on access
/// is gone (removed and counted), and where every write and removal bumps the partition's version, ends the key's
/// near-cache tracking and is reported to the <see cref="StoreChangeFeed"/>. Everything that changes entries goes
/// through here so no change escapes the listeners. Used under the store's lock.
/// </summary>
/// <remarks>
/// Every entry written gets a new entry version from <paramref name="versions"/> (stamped into the stored record), except
/// through a keyspace that <paramref name="keepsVersions"/>: the one replicas and restores write through, which puts the
/// primary's entries as they were (versions included) and lets the clock observe them.
/// </remarks>
internal sealed class Keyspace(RecordTable table, StoreChangeFeed feed, NearCacheTracking tracking, StoreCounters counters, VersionClock versions, bool keepsVersions = false)
{
    private readonly VersionClock _versions = versions;
    private readonly RecordTable _table = table;
    private readonly StoreChangeFeed _feed = feed;
    private readonly NearCacheTracking _tracking = tracking;
    private readonly StoreCounters _counters = counters;

    public RecordTable Table => _table;

    /// <summary>The partition's entry versions.</summary>
    public VersionClock Versions => _versions;

    /// <summary>The same entries, written as a replica or restore writes them: entry versions kept, not handed out.</summary>
    public Keyspace KeepingVersions() => new(_table, _feed, _tracking, _counters, _versions, keepsVersions: true);

    /// <summary>Like <see cref="RecordTable.Find(ReadOnlySpan{byte}, ulong, out int)"/>, but an expired entry is removed (and counted) and reported as absent.</summary>
    public int FindLive(ReadOnlySpan<byte> key, ulong hash, long nowMs, out int slot) => FindLive(key, hash, nowMs, out slot, out _);

    /// <summary><see cref="FindLive(ReadOnlySpan{byte}, ulong, long, out int)"/>, with the live record found (empty when absent; valid until the table next changes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindLive(ReadOnlySpan<byte> key, ulong hash, long nowMs, out int slot, out Span<byte> record)
    {
        int index = _table.Find(key, hash, out slot, out record);
        if (index >= 0 && EntryRecord.IsExpired(record, nowMs))
        {
            RemoveAt(index, slot, RemovalCause.Expired);
            _counters.Expirations++;
            index = _table.Find(key, hash, out slot, out record);
        }

        return index;
    }

    /// <summary>
    /// Adds a string or counter record at a slot <see cref="RecordTable.Find"/> returned and reports it; false when the
    /// partition is full. <paramref name="array"/>: the record's own array when it has one (kept as is if too large for a page).
    /// </summary>
    public bool Insert(ulong hash, int slot, ReadOnlySpan<byte> record, byte[]? array = null)
    {
        if (!_table.Insert(hash, slot, record, array))
        {
            return false;
        }

        WrittenAt(_table.Count - 1);
        return true;
    }

    /// <summary>Adds a hash or list at a slot <see cref="RecordTable.Find"/> returned and reports it; false when the partition is full.</summary>
    public bool Insert(ulong hash, int slot, ComplexEntry entry)
    {
        if (!_table.Insert(hash, slot, entry))
        {
            return false;
        }

        Written(entry);
        return true;
    }

    /// <summary>Puts a string or counter record in place of entry <paramref name="index"/> (same key) and reports it.</summary>
    public void Replace(int index, ReadOnlySpan<byte> record, byte[]? array = null)
    {
        // The replaced record's bytes stay readable until this operation ends (arena pages are never reused).
        ReadOnlySpan<byte> previousTags = EntryRecord.TagsBlock(_table.RecordAt(index));
        _table.Replace(index, record, array);
        WrittenAt(index, previousTags);
    }

    /// <summary>Puts a hash or list in place of entry <paramref name="index"/> (same key) and reports it.</summary>
    public void Replace(int index, ComplexEntry entry)
    {
        ReadOnlySpan<byte> previousTags = EntryRecord.TagsBlock(_table.RecordAt(index));
        _table.Replace(index, entry);
        Stamp(entry.Record);
        Report(entry.Record, entry, previousTags);
    }

    /// <summary>Bumps the version and reports that entry <paramref name="index"/> was written (in place, or replacing a record with <paramref name="previousTags"/>).</summary>
    public void WrittenAt(int index, ReadOnlySpan<byte> previousTags = default)
    {
        Stamp(_table.RecordAt(index));
        if (_feed.HearsWrites)
        {
            Report(_table.RecordAt(index), _table.ComplexAt(index), previousTags);
        }
        else
        {
            _feed.Version++;
        }
    }

    /// <summary>Bumps the version and reports that the hash or list <paramref name="entry"/> was written (in place).</summary>
    public void Written(ComplexEntry entry)
    {
        Stamp(entry.Record);
        Report(entry.Record, entry, default);
    }

    /// <summary>Bumps the version, reports the removal and removes entry <paramref name="index"/> found at <paramref name="slot"/>.</summary>
    public void RemoveAt(int index, int slot, RemovalCause cause)
    {
        _feed.Version++;
        if (_feed.HearsRemovals)
        {
            ReadOnlySpan<byte> record = _table.RecordAt(index);
            _feed.Removed(record, cause, _tracking.TakeTrackers(EntryRecord.Key(record)));
        }

        _table.RemoveAt(index, slot);
    }

    /// <summary><see cref="RemoveAt"/> for an entry known by its index only.</summary>
    public void RemoveIndex(int index, RemovalCause cause) => RemoveAt(index, _table.SlotOf(index), cause);

    /// <summary>
    /// Gives a written entry its new version, or (keeping versions) lets the clock observe the one it brought; an entry
    /// that brought none (from a snapshot file of format 1) gets one, as 0 means "no such key" to a conditional write.
    /// </summary>
    private void Stamp(Span<byte> record)
    {
        long kept = keepsVersions ? EntryRecord.Version(record) : 0;
        if (kept != 0)
        {
            _versions.Observe(kept);
        }
        else
        {
            EntryRecord.SetVersion(record, _versions.Next());
        }
    }

    private void Report(ReadOnlySpan<byte> record, ComplexEntry? complex, ReadOnlySpan<byte> previousTags)
    {
        _feed.Version++;
        if (_feed.HearsWrites)
        {
            _feed.Written(record, complex, previousTags, _tracking.TakeTrackers(EntryRecord.Key(record)));
        }
    }
}
