using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    private static readonly GridResult NotHere = GridResult.OfStatus(ResultStatus.NotHere);
    private static readonly GridResult NotFound = GridResult.OfStatus(ResultStatus.NotFound);
    private static readonly GridResult ConditionNotMet = GridResult.OfStatus(ResultStatus.ConditionNotMet);
    private static readonly GridResult PartitionFull = GridResult.Failure(ResultStatus.Error, $"The partition holds {MaxEntries} entries, its maximum.");
    private static readonly GridResult AlreadyCompleted = GridResult.Failure(ResultStatus.Error, "The request was already completed by its client; this late copy of an abandoned call did not run.");

    /// <summary>
    /// Runs one operation atomically and writes its result to <paramref name="output"/>. The op must have passed
    /// <see cref="OpValidator"/>. When the store is closed nothing runs, nothing is written, and the answer is
    /// <see cref="ResultStatus.NotHere"/>: the caller sends the op to wherever the partition lives now.
    /// <paramref name="now"/> is the batch's clock reading (<see cref="GridClock.NowMs"/>), read once per batch;
    /// <paramref name="trackingSlot"/> is the sending client's near-cache slot on this silo (-1 none).
    /// </summary>
    public ResultStatus Execute(in OpView op, FrameBuffer output, long now, int trackingSlot = -1, BatchContext? context = null)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return ResultStatus.NotHere;
            }

            _context = context;
            try
            {
                return ExecuteLocked(op, output, now, trackingSlot);
            }
            finally
            {
                _context = null;
            }
        }
    }

    private ResultStatus ExecuteLocked(in OpView op, FrameBuffer output, long now, int trackingSlot)
    {
        Counters.Operations++;
        Counters.ByKind[OperationKinds.IndexOf(op.Code)]++;
        ulong hash = HashKey(op.Key);
        if (op.Code == OpCode.Get
            && TryGetStringInto(op.Key, hash, now, (op.Flags & OpFlags.Track) != 0 ? trackingSlot : -1, output))
        {
            return ResultStatus.Ok;
        }

        bool identified = op.RequestId != 0 && _context is { Origin.Client: not 0 };
        if (identified)
        {
            var origin = _context!.Origin;
            switch (_requests.Check(origin.Client, op.RequestId, origin.CompletedBelow, now, out var answer))
            {
                case RequestVerdict.Replay:
                    // Sent again after its first call was abandoned: the same answer, nothing applied twice.
                    Counters.ReplayedRequests++;
                    output.WriteRaw(answer);
                    _context.Replayed(Partition);
                    return (ResultStatus)answer[0];
                case RequestVerdict.Completed:
                    ResultFrame.Write(output, AlreadyCompleted);
                    return AlreadyCompleted.Status;
            }
        }

        var result = Dispatch(op, hash, now);
        if (identified)
        {
            Remember(op.RequestId, result, now);
        }

        if (op.Code == OpCode.Set && (op.Flags & OpFlags.Track) != 0 && trackingSlot >= 0 && _tracker is not null && result.Status == ResultStatus.Ok)
        {
            result = TrackWriter(op.Key, hash, trackingSlot, now, result);
        }

        ResultFrame.Write(output, result);
        return result.Status;
    }

    /// <summary>Keeps the answer to a write with a request id (without tracking details, which belong to one silo) and reports it.</summary>
    private void Remember(long requestId, GridResult result, long now)
    {
        using var buffer = new FrameBuffer(32);
        ResultFrame.Write(buffer, result with { Tracked = false });
        var answer = buffer.ToArray();
        var origin = _context!.Origin;
        _requests.Record(origin.Client, requestId, origin.CompletedBelow, answer, now);
        if (_listener is not null)
        {
            _listener.OnChanged(new StoreChange
            {
                Partition = Partition,
                Version = Version,
                Kind = StoreChangeKind.RequestRecorded,
                Context = _context,
                RequestClient = origin.Client,
                RequestId = requestId,
                CompletedBelow = origin.CompletedBelow,
                Answer = answer,
            });
        }
    }

    /// <summary>Runs one operation given as a <see cref="GridOp"/> (the same path, through a one-op frame).</summary>
    public GridResult Execute(GridOp op, BatchContext? context = null)
    {
        var frame = OpFrame.Encode([op]);
        var reader = new OpFrameReader(frame);
        reader.TryRead(out var view, out _, out _);
        using var output = new FrameBuffer();
        if (Execute(view, output, _clock.NowMs, context: context) == ResultStatus.NotHere)
        {
            return NotHere;
        }

        var results = new FrameReader(output.Written);
        return ResultFrame.Read(ref results);
    }

    private GridResult Dispatch(in OpView op, ulong hash, long now) => op.Code switch
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
        OpCode.LeaseAcquire => AcquireLease(hash, op.Value, now, op.Arg0),
        OpCode.LeaseRelease => ReleaseLease(hash, op.Value),
        OpCode.RemoveTagged => RemoveTagged(op, hash, now),
        _ => GridResult.Failure(ResultStatus.InvalidArgument, $"Unknown operation code {(byte)op.Code}."),
    };

    private GridResult Remove(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = FindLive(key, hash, now, out int slot);
        if (index < 0)
        {
            return GridResult.OfNumber(0);
        }

        RemoveAt(index, slot, RemovalCause.Deleted);
        Counters.Deletions++;
        return GridResult.OfNumber(1);
    }

    private GridResult Exists(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = FindLive(key, hash, now, out _);
        if (index >= 0)
        {
            EntryRecord.Touch(RecordOf(_records[index]), now);
        }

        return GridResult.OfNumber(index >= 0 ? 1 : 0);
    }

    private GridResult TypeOf(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = FindLive(key, hash, now, out _);
        return GridResult.OfNumber(index < 0 ? (long)GridValueType.None : (long)EntryRecord.Type(RecordOf(_records[index])));
    }
}
