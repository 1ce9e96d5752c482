using Grid.Grains.Invalidation;

namespace Grid.Grains.Storage;

/// <summary>
/// Bounded walks over a store's entries, a step at a time with a cursor: the pattern invalidation, the key listing
/// (RESP SCAN and KEYS) and the visit of tagged entries (the tag index rebuilds itself from them). Both go from the end of the dense entry array to its start:
/// a removal moves the last entry into the hole, so going down the moved entry has always been examined, and an entry
/// present for the whole walk is seen whatever is written or removed between steps (new entries may or may not be).
/// Used under the store's lock.
/// </summary>
internal sealed class StoreScans(Keyspace keys, StoreCounters counters)
{
    private readonly Keyspace _keys = keys;
    private readonly RecordTable _table = keys.Table;
    private readonly StoreCounters _counters = counters;

    /// <summary>
    /// Examines at most <paramref name="maxExamined"/> entries below <paramref name="cursor"/>, removes those whose key
    /// matches <paramref name="pattern"/> (expired ones met on the way are removed as expired and not counted), and
    /// moves the cursor. Returns false once the scan is complete.
    /// </summary>
    public bool RemoveMatching(ReadOnlySpan<byte> pattern, ref int cursor, int maxExamined, ref int removed, long now)
    {
        int i = Math.Min(cursor, _table.Count) - 1;
        for (int examined = 0; i >= 0 && examined < maxExamined; examined++, i--)
        {
            ReadOnlySpan<byte> record = _table.RecordAt(i);
            if (EntryRecord.IsExpired(record, now))
            {
                _keys.RemoveIndex(i, RemovalCause.Expired);
                _counters.Expirations++;
            }
            else if (RedisGlob.IsMatch(pattern, EntryRecord.Key(record)))
            {
                _keys.RemoveIndex(i, RemovalCause.Invalidated);
                _counters.PatternInvalidations++;
                removed++;
            }
        }

        cursor = i + 1;
        return cursor > 0;
    }

    /// <summary>
    /// Examines at most <paramref name="maxExamined"/> entries below <paramref name="cursor"/>, adds to
    /// <paramref name="keys"/> the live ones whose key matches <paramref name="pattern"/> (empty: any) and whose type is
    /// <paramref name="type"/> (None: any; String includes counters), and moves the cursor. Changes nothing (expired
    /// entries are left to the sweep). Returns false once the walk is complete.
    /// </summary>
    public bool CollectKeys(ReadOnlySpan<byte> pattern, GridValueType type, ref int cursor, int maxExamined, List<byte[]> keys, long now)
    {
        int i = Math.Min(cursor, _table.Count) - 1;
        for (int examined = 0; i >= 0 && examined < maxExamined; examined++, i--)
        {
            ReadOnlySpan<byte> record = _table.RecordAt(i);
            if (EntryRecord.IsExpired(record, now) || (type != GridValueType.None && !IsType(EntryRecord.Type(record), type)))
            {
                continue;
            }

            var key = EntryRecord.Key(record);
            if (pattern.IsEmpty || RedisGlob.IsMatch(pattern, key))
            {
                keys.Add(key.ToArray());
            }
        }

        cursor = i + 1;
        return cursor > 0;
    }

    private static bool IsType(GridValueType actual, GridValueType wanted) =>
        actual == wanted || (wanted == GridValueType.String && actual == GridValueType.Counter);

    /// <summary>
    /// Examines at most <paramref name="maxExamined"/> entries below <paramref name="cursor"/>, hands each tagged,
    /// unexpired one to <paramref name="visitor"/>, and moves the cursor. Returns false once the walk is complete.
    /// </summary>
    public bool VisitTagged(ref int cursor, int maxExamined, ITaggedEntryVisitor visitor, long now)
    {
        int i = Math.Min(cursor, _table.Count) - 1;
        for (int examined = 0; i >= 0 && examined < maxExamined; examined++, i--)
        {
            ReadOnlySpan<byte> record = _table.RecordAt(i);
            if (EntryRecord.HasTags(record) && !EntryRecord.IsExpired(record, now))
            {
                visitor.Visit(EntryRecord.Key(record), EntryRecord.TagsBlock(record));
            }
        }

        cursor = i + 1;
        return cursor > 0;
    }
}
