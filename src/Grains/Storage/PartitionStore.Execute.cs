using Grid.Protocol;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    private static readonly GridResult NotHere = GridResult.OfStatus(ResultStatus.NotHere);
    private static readonly GridResult NotFound = GridResult.OfStatus(ResultStatus.NotFound);
    private static readonly GridResult ConditionNotMet = GridResult.OfStatus(ResultStatus.ConditionNotMet);
    private static readonly GridResult PartitionFull = GridResult.Failure(ResultStatus.Error, $"The partition holds {MaxEntries} entries, its maximum.");

    /// <summary>
    /// Runs one operation atomically. The op must have passed <see cref="OpValidator"/>; the store takes ownership of its
    /// arrays. Answers <see cref="ResultStatus.NotHere"/> without running it when the store is closed.
    /// </summary>
    public GridResult Execute(GridOp op)
    {
        long now = _clock.NowMs;
        lock (_lock)
        {
            if (_closed)
            {
                return NotHere;
            }

            Counters.Operations++;
            ulong hash = HashKey(op.Key);
            return op.Code switch
            {
                OpCode.Get => Get(op.Key, hash, now),
                OpCode.Set => Set(op, hash, now),
                OpCode.Remove => Remove(op.Key, hash, now),
                OpCode.Exists => Exists(op.Key, hash, now),
                OpCode.Expire => Expire(op.Key, hash, now, op.Arg0),
                OpCode.Persist => Persist(op.Key, hash, now),
                OpCode.TimeToLive => TimeToLive(op.Key, hash, now),
                OpCode.Increment => Increment(op.Key, hash, now, op.Arg0),
                OpCode.HashSet => HashSet(op, hash, now),
                OpCode.HashGet => HashGet(op, hash, now),
                OpCode.HashGetAll => HashGetAll(op, hash, now),
                OpCode.HashDelete => HashDelete(op, hash, now),
                OpCode.HashIncrement => HashIncrement(op, hash, now),
                OpCode.HashLength => HashLength(op, hash, now),
                OpCode.ListPush => ListPush(op, hash, now),
                OpCode.ListPop => ListPop(op, hash, now),
                OpCode.ListRange => ListRange(op, hash, now),
                OpCode.ListLength => ListLength(op, hash, now),
                OpCode.Type => TypeOf(op.Key, hash, now),
                _ => GridResult.Failure(ResultStatus.InvalidArgument, $"Unknown operation code {(byte)op.Code}."),
            };
        }
    }

    private GridResult Remove(byte[] key, ulong hash, long now)
    {
        int index = FindLive(key, hash, now, out int slot);
        if (index < 0)
        {
            return GridResult.OfNumber(0);
        }

        RemoveAt(index, slot);
        return GridResult.OfNumber(1);
    }

    private GridResult Exists(byte[] key, ulong hash, long now)
    {
        int index = FindLive(key, hash, now, out _);
        if (index >= 0)
        {
            EntryRecord.Touch(RecordOf(_records[index]), now);
        }

        return GridResult.OfNumber(index >= 0 ? 1 : 0);
    }

    private GridResult TypeOf(byte[] key, ulong hash, long now)
    {
        int index = FindLive(key, hash, now, out _);
        return GridResult.OfNumber(index < 0 ? (long)GridValueType.None : (long)EntryRecord.Type(RecordOf(_records[index])));
    }
}
