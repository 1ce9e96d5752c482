using Grid.Grains.Tags;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>Operations on a key whatever its type: DEL, EXISTS, TYPE, and the tag index's conditional removal. Used under the store's lock.</summary>
internal sealed class KeyOps(Keyspace keys, StoreCounters counters)
{
    private readonly Keyspace _keys = keys;
    private readonly RecordTable _table = keys.Table;
    private readonly StoreCounters _counters = counters;

    /// <summary>DEL: 1 when the key was there.</summary>
    public GridResult Remove(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = _keys.FindLive(key, hash, now, out int slot);
        if (index < 0)
        {
            return GridResult.OfNumber(0);
        }

        _keys.RemoveAt(index, slot, RemovalCause.Deleted);
        _counters.Deletions++;
        return GridResult.OfNumber(1);
    }

    /// <summary>EXISTS: 1 when the key is there (an access: it moves the LRU stamp and a sliding window).</summary>
    public GridResult Exists(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = _keys.FindLive(key, hash, now, out _);
        if (index >= 0)
        {
            EntryRecord.Touch(_table.RecordAt(index), now);
        }

        return GridResult.OfNumber(index >= 0 ? 1 : 0);
    }

    /// <summary>TYPE: the <see cref="GridValueType"/> held (<see cref="GridValueType.None"/> when missing).</summary>
    public GridResult TypeOf(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = _keys.FindLive(key, hash, now, out _);
        return GridResult.OfNumber(index < 0 ? (long)GridValueType.None : (long)EntryRecord.Type(_table.RecordAt(index)));
    }

    /// <summary>
    /// <see cref="OpCode.RemoveTagged"/>: removes the key only when its entry still carries the op's one tag, so an index
    /// entry that went stale (the key was deleted, or rewritten without the tag) neither removes a newer entry nor counts.
    /// </summary>
    public GridResult RemoveTagged(in OpView op, ulong hash, long now)
    {
        int index = _keys.FindLive(op.Key, hash, now, out int slot);
        if (index < 0)
        {
            return GridResult.OfNumber(0);
        }

        var tag = TagBlockTags.Enumerate(op.Tags);
        tag.MoveNext();
        if (!TagBlockTags.Contains(EntryRecord.TagsBlock(_table.RecordAt(index)), tag.Current))
        {
            return GridResult.OfNumber(0);
        }

        _keys.RemoveAt(index, slot, RemovalCause.Invalidated);
        _counters.TagInvalidations++;
        return GridResult.OfNumber(1);
    }
}
