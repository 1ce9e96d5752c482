using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>Strings and counters: GET (and the hot read straight into the response frame), SET, INCRBY. Used under the store's lock.</summary>
internal sealed class StringOps(Keyspace keys, NearCacheTracking tracking, StoreCounters counters)
{
    private readonly Keyspace _keys = keys;
    private readonly RecordTable _table = keys.Table;
    private readonly NearCacheTracking _tracking = tracking;
    private readonly StoreCounters _counters = counters;

    /// <summary>
    /// The hot read: a string hit is copied from its record straight into the response frame (tracked for the client in
    /// <paramref name="trackingSlot"/>, -1 none; an untracked answer marked <paramref name="hot"/> when the silo counts
    /// the key among its hot ones). False, with nothing written, for anything else (a miss, another type).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetInto(ReadOnlySpan<byte> key, ulong hash, long now, int trackingSlot, FrameBuffer output, bool hot = false)
    {
        // Only a plain record is of type String (structures are hashes or lists).
        int index = _keys.FindLive(key, hash, now, out _, out Span<byte> r);
        if (index < 0 || EntryRecord.Type(r) != GridValueType.String)
        {
            return false;
        }

        EntryRecord.Touch(r, now);
        _counters.Hits++;
        if (trackingSlot >= 0 && _tracking.IsEnabled)
        {
            _tracking.WriteTracked(r, hash, trackingSlot, now, output);
        }
        else
        {
            ResultFrame.WriteValue(output, EntryRecord.Value(r), hot);
        }

        return true;
    }

    /// <summary>
    /// A string's value written to <paramref name="output"/> without changing anything (no LRU stamp or sliding move,
    /// no expiry on access): true only for a live, non-sliding string (see <see cref="PartitionStore.TryServeReplicaRead"/>).
    /// </summary>
    public bool TryReadUnchanged(ReadOnlySpan<byte> key, ulong hash, long now, FrameBuffer output)
    {
        if (_table.Find(key, hash, out _, out Span<byte> r) < 0
            || EntryRecord.Type(r) != GridValueType.String
            || EntryRecord.HasSliding(r)
            || EntryRecord.IsExpired(r, now))
        {
            return false;
        }

        ResultFrame.WriteValue(output, EntryRecord.Value(r));
        return true;
    }

    /// <summary>GET: a string's bytes, or a counter as decimal text.</summary>
    public GridResult Get(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = _keys.FindLive(key, hash, now, out _, out Span<byte> r);
        if (index < 0)
        {
            _counters.Misses++;
            return StoreResults.NotFound;
        }

        if (_table.ComplexAt(index) is not null)
        {
            return StoreResults.WrongType("GET", EntryRecord.Type(r));
        }

        EntryRecord.Touch(r, now);
        _counters.Hits++;
        return EntryRecord.Type(r) == GridValueType.Counter
            ? GridResult.OfValue(Encoding.ASCII.GetBytes(ReadCounter(r).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : GridResult.OfValue(EntryRecord.Value(r).ToArray());
    }

    /// <summary>SET with its conditions (NX/XX), expiry (or KEEPTTL) and tags.</summary>
    public GridResult Set(in OpView op, ulong hash, long now)
    {
        int index = _keys.FindLive(op.Key, hash, now, out int slot, out Span<byte> old);
        bool exists = index >= 0;
        if (((op.Flags & OpFlags.IfNotExists) != 0 && exists) || ((op.Flags & OpFlags.IfExists) != 0 && !exists))
        {
            return StoreResults.ConditionNotMet;
        }

        ReadOnlySpan<byte> value = op.Value;
        var expiry = exists && (op.Flags & OpFlags.KeepTtl) != 0
            ? EntryRecord.GetExpiry(old)
            : EntryExpiry.From(now, op.Arg0, op.Arg1);
        ReadOnlySpan<byte> tags = op.Tags;
        int size = EntryRecord.SizeOf(op.Key.Length, expiry, tags.Length, value.Length);

        // Same size as the old record, neither tagged (the usual overwrite): rewrite it in place, header included.
        if (exists && tags.Length == 0 && old.Length == size && !EntryRecord.HasTags(old) && _table.ComplexAt(index) is null)
        {
            _table.DeadlineChanged(EntryRecord.ExpiresAt(old), expiry.ExpiresAt);
            int offset = EntryRecord.Write(old, GridValueType.String, op.Key, expiry, default, now);
            value.CopyTo(old[offset..]);
            _keys.WrittenAt(index);
            return GridResult.Ok;
        }

        byte[] buffer = RecordTable.BufferFor(size);
        Span<byte> record = buffer.AsSpan(0, size);
        int valueOffset = EntryRecord.Write(record, GridValueType.String, op.Key, expiry, tags, now);
        value.CopyTo(record[valueOffset..]);
        if (exists)
        {
            _keys.Replace(index, record, buffer);
            return GridResult.Ok;
        }

        return _keys.Insert(hash, slot, record, buffer) ? GridResult.Ok : StoreResults.PartitionFull;
    }

    /// <summary>INCRBY: a missing key starts at 0; a string holding an integer becomes a counter.</summary>
    public GridResult Increment(ReadOnlySpan<byte> key, ulong hash, long now, long delta)
    {
        int index = _keys.FindLive(key, hash, now, out int slot);
        if (index < 0)
        {
            var created = NewCounter(key, delta, EntryExpiry.None, [], now);
            return _keys.Insert(hash, slot, created, created) ? GridResult.OfNumber(delta) : StoreResults.PartitionFull;
        }

        Span<byte> r = _table.RecordAt(index);
        if (_table.ComplexAt(index) is not null)
        {
            return StoreResults.WrongType("INCRBY", EntryRecord.Type(r));
        }

        long current;
        if (EntryRecord.Type(r) == GridValueType.Counter)
        {
            current = ReadCounter(r);
        }
        else if (!CounterArithmetic.TryParseInteger(EntryRecord.Value(r), out current))
        {
            return GridResult.Failure(ResultStatus.NotInteger, "The value is not a 64-bit integer, so it cannot be incremented.") with { Number = (long)GridValueType.String };
        }

        if (!CounterArithmetic.TryAdd(current, delta, out long updated))
        {
            return GridResult.Failure(ResultStatus.Overflow, $"Adding {delta} to {current} overflows a 64-bit counter.");
        }

        if (EntryRecord.Type(r) == GridValueType.Counter)
        {
            BinaryPrimitives.WriteInt64LittleEndian(EntryRecord.ValueSpan(r), updated);
            EntryRecord.Touch(r, now);
            _keys.WrittenAt(index);
        }
        else
        {
            // A string holding an integer becomes a counter, keeping its expiry and tags (as Redis INCR does); the
            // increment is an access, so a sliding window moves as it does for a counter.
            var counter = NewCounter(key, updated, EntryRecord.GetExpiry(r), EntryRecord.TagsBlock(r), now);
            EntryRecord.Touch(counter, now);
            _keys.Replace(index, counter, counter);
        }

        return GridResult.OfNumber(updated);
    }

    private static byte[] NewCounter(ReadOnlySpan<byte> key, long value, in EntryExpiry expiry, ReadOnlySpan<byte> tags, long now)
    {
        var record = EntryRecord.Create(GridValueType.Counter, key, expiry, tags, 8, now, out int valueOffset);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(valueOffset), value);
        return record;
    }

    private static long ReadCounter(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt64LittleEndian(EntryRecord.Value(r));
}
