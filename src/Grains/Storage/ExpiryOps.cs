using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>A key's time to live: EXPIRE, PERSIST, TTL. Used under the store's lock.</summary>
internal sealed class ExpiryOps(Keyspace keys, StoreChangeFeed feed)
{
    private readonly Keyspace _keys = keys;
    private readonly StoreChangeFeed _feed = feed;
    private readonly RecordTable _table = keys.Table;

    /// <summary>EXPIRE: the key expires <paramref name="ttlMs"/> from now; 1 when the key was there.</summary>
    public GridResult Expire(ReadOnlySpan<byte> key, ulong hash, long now, long ttlMs) =>
        SetExpiry(key, hash, now, EntryExpiry.From(now, ttlMs, 0), onlyIfExpiring: false);

    /// <summary>PERSIST: the key no longer expires; 1 when it had an expiry.</summary>
    public GridResult Persist(ReadOnlySpan<byte> key, ulong hash, long now) =>
        SetExpiry(key, hash, now, EntryExpiry.None, onlyIfExpiring: true);

    /// <summary>TTL: milliseconds left, -1 without expiry, not found when missing.</summary>
    public GridResult TimeToLive(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = _keys.FindLive(key, hash, now, out _);
        if (index < 0)
        {
            return StoreResults.NotFound;
        }

        long expires = EntryRecord.ExpiresAt(_table.RecordAt(index));
        return GridResult.OfNumber(expires == 0 ? -1 : expires - now);
    }

    private GridResult SetExpiry(ReadOnlySpan<byte> key, ulong hash, long now, in EntryExpiry expiry, bool onlyIfExpiring)
    {
        int index = _keys.FindLive(key, hash, now, out _);
        if (index < 0)
        {
            return GridResult.OfNumber(0);
        }

        var complex = _table.ComplexAt(index);
        Span<byte> r = _table.RecordAt(index);
        if (onlyIfExpiring && EntryRecord.ExpiresAt(r) == 0)
        {
            return GridResult.OfNumber(0);
        }

        // In place when the record has room for the new deadline (a record written without a time to live has none).
        if (!EntryRecord.HasSliding(r) && expiry.SlidingMs == 0 && EntryRecord.CanSetExpiresAt(r, expiry.ExpiresAt))
        {
            _table.DeadlineChanged(EntryRecord.ExpiresAt(r), expiry.ExpiresAt);
            EntryRecord.SetExpiresAt(r, expiry.ExpiresAt);
            EntryRecord.SetStamp(r, (uint)now);
            WrittenHeader(index, complex);
            return GridResult.OfNumber(1);
        }

        // The header changes size (an expiry field or a sliding window added or dropped): a new record.
        var updated = EntryRecord.WithExpiry(r, expiry);
        EntryRecord.SetStamp(updated, (uint)now);
        if (complex is not null)
        {
            _table.ReplaceRecordOf(complex, updated);
            WrittenHeader(index, complex);
        }
        else
        {
            _keys.Replace(index, updated, updated);
        }

        return GridResult.OfNumber(1);
    }

    /// <summary>Reports a write that changed only the entry's record; for a hash or list, says so (replicas copy the record, not the structure).</summary>
    private void WrittenHeader(int index, ComplexEntry? complex)
    {
        if (complex is null)
        {
            _keys.WrittenAt(index);
            return;
        }

        if (_feed.HearsWrites)
        {
            _feed.PendingDelta = new StructureDelta { Kind = StructureDeltaKind.Header, Entry = complex, CountAfter = complex.Count };
        }

        _keys.Written(complex);
        _feed.PendingDelta = null;
    }
}
