using Grid.Grains.Tags;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>
    /// <see cref="OpCode.RemoveTagged"/>: removes the key only when its entry still carries the op's one tag, so an index
    /// entry that went stale (the key was deleted, or rewritten without the tag) neither removes a newer entry nor counts.
    /// </summary>
    private GridResult RemoveTagged(in OpView op, ulong hash, long now)
    {
        int index = FindLive(op.Key, hash, now, out int slot);
        if (index < 0)
        {
            return GridResult.OfNumber(0);
        }

        var tag = TagBlockTags.Enumerate(op.Tags);
        tag.MoveNext();
        if (!TagBlockTags.Contains(EntryRecord.TagsBlock(RecordOf(_records[index])), tag.Current))
        {
            return GridResult.OfNumber(0);
        }

        RemoveAt(index, slot, RemovalCause.Invalidated);
        Counters.TagInvalidations++;
        return GridResult.OfNumber(1);
    }
}
