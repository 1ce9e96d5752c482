using Grid.Grains.HotKeys;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>
/// Runs one validated operation on a store: counts it, answers a string GET straight into the response frame, answers a
/// write sent again (same request id) from the <see cref="RequestLog"/> instead of running it twice, dispatches the op
/// code to its command type (<see cref="StringOps"/>, <see cref="StringReadWriteOps"/>, <see cref="KeyOps"/>, <see cref="ExpiryOps"/>, <see cref="HashOps"/>,
/// <see cref="ListOps"/>, <see cref="LeaseTable"/>), and tracks a near-cache writer. Used under the store's lock.
/// </summary>
internal sealed class OpExecutor
{
    private readonly Keyspace _keys;
    private readonly RecordTable _table;
    private readonly StoreChangeFeed _feed;
    private readonly NearCacheTracking _tracking;
    private readonly RequestLog _requests;
    private readonly StoreCounters _counters;
    private readonly StringOps _strings;
    private readonly KeyOps _keyOps;
    private readonly ExpiryOps _expiry;
    private readonly HashOps _hashes;
    private readonly ListOps _lists;
    private readonly LeaseTable _leases = new();
    private readonly HotKeyTracker? _hotKeys;
    private readonly StringReadWriteOps _readWrites;
    private readonly ConditionalExpiryOps _conditionalExpiry;

    /// <summary>
    /// Two-byte answers (status and section bits: a plain "done", "not found", a condition not met...) are the same bytes
    /// every time, so one shared array per kind is kept instead of one per write. Indexed by status * 256 + sections
    /// (statuses below <see cref="SharedStatuses"/>); filled on first use (a race only makes two equal arrays, and
    /// answers are never modified).
    /// </summary>
    private static readonly byte[]?[] SharedAnswers = new byte[]?[SharedStatuses * 256];

    private const int SharedStatuses = 64;

    /// <summary>Where an answer to remember is encoded (this executor runs under its store's lock, one op at a time).</summary>
    private readonly FrameBuffer _answer = new(32);

    /// <summary>Flags that make an operation check or report its entry's version (the slower, general path).</summary>
    private const OpFlags VersionFlags = OpFlags.IfVersion | OpFlags.WithVersion;

    public OpExecutor(Keyspace keys, StoreChangeFeed feed, NearCacheTracking tracking, RequestLog requests, StoreCounters counters, HotKeyTracker? hotKeys = null)
    {
        _hotKeys = hotKeys;
        _keys = keys;
        _table = keys.Table;
        _feed = feed;
        _tracking = tracking;
        _requests = requests;
        _counters = counters;
        _strings = new StringOps(keys, tracking, counters);
        _keyOps = new KeyOps(keys, counters);
        _readWrites = new StringReadWriteOps(keys, _strings, _keyOps);
        _expiry = new ExpiryOps(keys, feed);
        _conditionalExpiry = new ConditionalExpiryOps(_strings, _keyOps, _expiry);
        var structures = new StructureAccess(keys, feed, counters);
        _hashes = new HashOps(structures, counters);
        _lists = new ListOps(structures);
    }

    /// <summary>Lookahead (see <see cref="PartitionStore.Prefetch"/>): starts loading the parts every operation reads.</summary>
    public void PrefetchParts()
    {
        CachePrefetch.Object(_strings);
        CachePrefetch.Object(_keys);
        CachePrefetch.Object(_counters.ByKind);
    }

    /// <summary>
    /// Runs <paramref name="op"/> and writes its result to <paramref name="output"/>; <paramref name="trackingSlot"/> is
    /// the sending client's near-cache slot on this silo (-1 none). The caller's context is <see cref="StoreChangeFeed.Context"/>.
    /// </summary>
    public ResultStatus Execute(in OpView op, FrameBuffer output, long now, int trackingSlot)
    {
        _table.ContinueResize();
        _counters.Operations++;
        _counters.ByKind[OperationKinds.IndexOf(op.Code)]++;
        ulong hash = RecordTable.HashKey(op.Key);
        bool hot = _hotKeys is { } hotKeys && hotKeys.Count(hash, op.Key, !CallFailures.IsReadOnly(op.Code));
        if (op.Code == OpCode.Get
            && (op.Flags & VersionFlags) == 0
            && _strings.TryGetInto(op.Key, hash, now, (op.Flags & OpFlags.Track) != 0 ? trackingSlot : -1, output, hot))
        {
            return ResultStatus.Ok;
        }

        var context = _feed.Context;
        bool identified = op.RequestId != 0 && context is { Origin.Client: not 0 };
        if (identified)
        {
            var origin = context!.Origin;
            switch (_requests.Check(origin.Client, op.RequestId, origin.CompletedBelow, now, out var answer))
            {
                case RequestVerdict.Replay:
                    // Sent again after its first call was abandoned: the same answer, nothing applied twice.
                    _counters.ReplayedRequests++;
                    output.WriteRaw(answer);
                    context.Replayed(_feed.Partition);
                    return (ResultStatus)answer[0];
                case RequestVerdict.Completed:
                    ResultFrame.Write(output, StoreResults.AlreadyCompleted);
                    return StoreResults.AlreadyCompleted.Status;
            }
        }

        _keys.Versions.Tick(now);
        bool ownTrackedWrite = op.Code == OpCode.Set && (op.Flags & OpFlags.Track) != 0 && trackingSlot >= 0 && _tracking.IsEnabled;
        if (ownTrackedWrite)
        {
            _tracking.BeginOwnWrite(trackingSlot, hash);
        }

        GridResult result;
        try
        {
            if ((op.Flags & VersionFlags) == 0)
            {
                result = Dispatch(op, hash, now);
            }
            else
            {
                // Checked and run under the store's lock, so nothing can write the key in between.
                long current = EntryVersion(op.Key, hash, now);
                result = (op.Flags & OpFlags.IfVersion) != 0 && current != op.ExpectedVersion
                    ? StoreResults.ConditionNotMet
                    : Dispatch(op, hash, now);
                result = result with { HasEntryVersion = true, EntryVersion = result.Status == ResultStatus.ConditionNotMet ? current : EntryVersion(op.Key, hash, now) };
            }
        }
        finally
        {
            _tracking.EndOwnWrite();
        }

        if (identified)
        {
            Remember(context!.Origin, op.RequestId, result, now);
        }

        if (ownTrackedWrite && result.Status == ResultStatus.Ok)
        {
            result = TrackWriter(op.Key, hash, trackingSlot, now, result);
        }

        ResultFrame.Write(output, result);
        return result.Status;
    }

    private GridResult Dispatch(in OpView op, ulong hash, long now) => op.Code switch
    {
        OpCode.Get => _strings.Get(op.Key, hash, now),
        OpCode.Set => _strings.Set(op, hash, now),
        OpCode.Remove => _keyOps.Remove(op.Key, hash, now),
        OpCode.Exists => _keyOps.Exists(op.Key, hash, now),
        OpCode.Expire => _expiry.Expire(op.Key, hash, now, op.Arg0),
        OpCode.Persist => _expiry.Persist(op.Key, hash, now),
        OpCode.TimeToLive => _expiry.TimeToLive(op.Key, hash, now),
        OpCode.Increment => _strings.Increment(op.Key, hash, now, op.Arg0),
        OpCode.HashSet => _hashes.Set(op, hash, now),
        OpCode.HashGet => _hashes.Get(op, hash, now),
        OpCode.HashGetAll => _hashes.GetAll(op, hash, now),
        OpCode.HashDelete => _hashes.Delete(op, hash, now),
        OpCode.HashIncrement => _hashes.Increment(op, hash, now),
        OpCode.HashLength => _hashes.Length(op, hash, now),
        OpCode.ListPush => _lists.Push(op, hash, now),
        OpCode.ListPop => _lists.Pop(op, hash, now),
        OpCode.ListRange => _lists.Range(op, hash, now),
        OpCode.ListLength => _lists.Length(op, hash, now),
        OpCode.Type => _keyOps.TypeOf(op.Key, hash, now),
        OpCode.LeaseAcquire => _leases.Acquire(hash, op.Value, now, op.Arg0),
        OpCode.LeaseRelease => _leases.Release(hash, op.Value),
        OpCode.RemoveTagged => _keyOps.RemoveTagged(op, hash, now),
        OpCode.SetGet => _readWrites.SetGet(op, hash, now),
        OpCode.GetRemove => _readWrites.GetRemove(op.Key, hash, now),
        OpCode.Append => _readWrites.Append(op, hash, now),
        OpCode.SetIfNoneExist => _readWrites.SetIfNoneExist(op, now),
        OpCode.GetExpire => _conditionalExpiry.GetExpire(op.Key, hash, now, op.Arg0),
        OpCode.ExpireIf => _conditionalExpiry.ExpireIf(op.Key, hash, now, op.Arg0, op.Arg1),
        _ => GridResult.Failure(ResultStatus.InvalidArgument, $"Unknown operation code {(byte)op.Code}."),
    };

    /// <summary>See <see cref="PartitionStore.TryServeReplicaRead"/>.</summary>
    public bool TryReadUnchanged(ReadOnlySpan<byte> key, long now, FrameBuffer output) => _strings.TryReadUnchanged(key, RecordTable.HashKey(key), now, output);

    /// <summary>The version of the entry at <paramref name="key"/>; 0 when there is none.</summary>
    private long EntryVersion(ReadOnlySpan<byte> key, ulong hash, long now) =>
        _keys.FindLive(key, hash, now, out _, out Span<byte> record) < 0 ? 0 : EntryRecord.Version(record);

    /// <summary>Keeps the answer to a write with a request id (without tracking details, which belong to one silo) and reports it.</summary>
    private void Remember(RequestOrigin origin, long requestId, GridResult result, long now)
    {
        _answer.Reset();
        ResultFrame.Write(_answer, result with { Tracked = false });
        var written = _answer.Written;
        byte[] answer = written.Length == 2 && written[0] < SharedStatuses
            ? SharedAnswers[(written[0] << 8) | written[1]] ??= written.ToArray()
            : written.ToArray();
        _requests.Record(origin.Client, requestId, origin.CompletedBelow, answer, now);
        _feed.RequestRecorded(origin.Client, requestId, origin.CompletedBelow, answer);
    }

    /// <summary>After a near-cache client's successful string write: tracks the writer (the key may have gone meanwhile, e.g. already expired).</summary>
    private GridResult TrackWriter(ReadOnlySpan<byte> key, ulong hash, int slot, long now, GridResult result)
    {
        int index = _keys.FindLive(key, hash, now, out _);
        if (index < 0)
        {
            return result;
        }

        // Only a plain record is of type String (structures are hashes or lists).
        ReadOnlySpan<byte> record = _table.RecordAt(index);
        if (EntryRecord.Type(record) != GridValueType.String)
        {
            return result;
        }

        return _tracking.TrackWriter(record, hash, slot, now, result);
    }
}
