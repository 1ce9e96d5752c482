using Grid.Grains.Invalidation;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>
    /// One bounded step of a pattern invalidation: under the lock, examines at most <paramref name="maxExamined"/>
    /// entries going down from <paramref name="cursor"/> (start with <see cref="int.MaxValue"/>), removes those whose
    /// key matches <paramref name="pattern"/> (cause <see cref="RemovalCause.Invalidated"/>; expired ones met on the way
    /// are removed as expired and not counted), and moves the cursor. Returns false once the scan is complete (cursor 0,
    /// or the store closed).
    /// </summary>
    /// <remarks>
    /// The scan goes from the end of the dense record array to its start because a removal moves the last record into
    /// the hole: going down, the moved record has always been examined, so concurrent writes between steps never make the
    /// scan skip an entry that was there when it began (new entries may or may not be seen).
    /// </remarks>
    public bool RemoveMatching(ReadOnlySpan<byte> pattern, ref int cursor, int maxExamined, out int removed, BatchContext? context = null)
    {
        removed = 0;
        long now = _clock.NowMs;
        lock (_lock)
        {
            if (_closed)
            {
                cursor = 0;
                return false;
            }

            _context = context;
            try
            {
                return RemoveMatchingLocked(pattern, ref cursor, maxExamined, ref removed, now);
            }
            finally
            {
                _context = null;
            }
        }
    }

    private bool RemoveMatchingLocked(ReadOnlySpan<byte> pattern, ref int cursor, int maxExamined, ref int removed, long now)
    {
        int i = Math.Min(cursor, _count) - 1;
        for (int examined = 0; i >= 0 && examined < maxExamined; examined++, i--)
        {
            byte[] record = RecordOf(_records[i]);
            if (EntryRecord.IsExpired(record, now))
            {
                RemoveIndex(i, RemovalCause.Expired);
                Counters.Expirations++;
            }
            else if (RedisGlob.IsMatch(pattern, EntryRecord.Key(record)))
            {
                RemoveIndex(i, RemovalCause.Invalidated);
                Counters.PatternInvalidations++;
                removed++;
            }
        }

        cursor = i + 1;
        return cursor > 0;
    }
}
