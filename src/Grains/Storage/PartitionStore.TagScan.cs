namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>
    /// One bounded step of a walk over the live entries that carry tags (the tag index rebuilds itself from them): under
    /// the lock, examines at most <paramref name="maxExamined"/> entries going down from <paramref name="cursor"/> (start
    /// with <see cref="int.MaxValue"/>), hands each tagged, unexpired one to <paramref name="visitor"/>, and moves the
    /// cursor. Returns false once the walk is complete.
    /// </summary>
    /// <remarks>
    /// Like <see cref="RemoveMatching"/> it goes from the end of the dense record array down, so an entry present for the
    /// whole walk is visited (at least once) whatever is written or removed between steps. Unlike it, it reads on after
    /// the store closed: a closed store no longer changes, and what it holds is exactly what moves to the partition's next
    /// home, so a walk that began before a partition left still sees all of it.
    /// </remarks>
    public bool VisitTagged(ref int cursor, int maxExamined, ITaggedEntryVisitor visitor)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            int i = Math.Min(cursor, _count) - 1;
            for (int examined = 0; i >= 0 && examined < maxExamined; examined++, i--)
            {
                byte[] record = RecordOf(_records[i]);
                if (EntryRecord.HasTags(record) && !EntryRecord.IsExpired(record, now))
                {
                    visitor.Visit(EntryRecord.Key(record), EntryRecord.TagsBlock(record));
                }
            }

            cursor = i + 1;
            return cursor > 0;
        }
    }
}
