using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>
/// String operations that read, then write, under one lock hold, so no other write comes between (Redis's SET ... GET,
/// GETSET, GETDEL, APPEND): <see cref="OpCode.SetGet"/>, <see cref="OpCode.GetRemove"/>, <see cref="OpCode.Append"/>.
/// Their changes go through the keyspace like any write (replication, near-cache invalidation). Used under the store's lock.
/// </summary>
internal sealed class StringReadWriteOps(Keyspace keys, StringOps strings, KeyOps keyOps)
{
    private readonly Keyspace _keys = keys;
    private readonly RecordTable _table = keys.Table;

    /// <summary>SET ... GET / GETSET: the old string (Value; none when missing), then the write; another type is left alone.</summary>
    public GridResult SetGet(in OpView op, ulong hash, long now)
    {
        var old = strings.Get(op.Key, hash, now);
        if (old.Status is not (ResultStatus.Ok or ResultStatus.NotFound))
        {
            return old;
        }

        var written = strings.Set(op, hash, now);
        return written.Status is ResultStatus.Ok or ResultStatus.ConditionNotMet ? written with { Value = old.Value } : written;
    }

    /// <summary>GETDEL: the string (Value), and the key removed; NotFound when missing; another type is left alone.</summary>
    public GridResult GetRemove(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        var old = strings.Get(key, hash, now);
        if (old.Status != ResultStatus.Ok)
        {
            return old;
        }

        keyOps.Remove(key, hash, now);
        return old;
    }

    /// <summary>APPEND: the string grown by Value (a counter as its decimal text; expiry and tags kept); Number is the new length.</summary>
    public GridResult Append(in OpView op, ulong hash, long now)
    {
        int index = _keys.FindLive(op.Key, hash, now, out int slot);
        if (index < 0)
        {
            if (op.Value.Length > op.Arg0)
            {
                return TooLong(op.Value.Length, op.Arg0);
            }

            var created = EntryRecord.Create(GridValueType.String, op.Key, EntryExpiry.None, [], op.Value.Length, now, out int offset);
            op.Value.CopyTo(created.AsSpan(offset));
            return _keys.Insert(hash, slot, created) ? GridResult.OfNumber(op.Value.Length) : StoreResults.PartitionFull;
        }

        ReadOnlySpan<byte> r = _table.RecordAt(index);
        if (_table.ComplexAt(index) is not null)
        {
            return StoreResults.WrongType("APPEND", EntryRecord.Type(r));
        }

        ReadOnlySpan<byte> old = EntryRecord.Type(r) == GridValueType.Counter
            ? Encoding.ASCII.GetBytes(BinaryPrimitives.ReadInt64LittleEndian(EntryRecord.Value(r)).ToString(CultureInfo.InvariantCulture))
            : EntryRecord.Value(r);
        long length = (long)old.Length + op.Value.Length;
        if (length > op.Arg0)
        {
            return TooLong(length, op.Arg0);
        }

        var record = EntryRecord.Create(GridValueType.String, op.Key, EntryRecord.GetExpiry(r), EntryRecord.TagsBlock(r), (int)length, now, out int valueOffset);
        old.CopyTo(record.AsSpan(valueOffset));
        op.Value.CopyTo(record.AsSpan(valueOffset + old.Length));
        _keys.Replace(index, record);
        return GridResult.OfNumber(length);
    }

    /// <summary>MSETNX: every pair set when none of the keys exists (Number 1), nothing otherwise (Number 0).</summary>
    public GridResult SetIfNoneExist(in OpView op, long now)
    {
        if (_keys.FindLive(op.Key, RecordTable.HashKey(op.Key), now, out _) >= 0)
        {
            return GridResult.OfNumber(0);
        }

        bool isKey = true;
        foreach (var item in op.Values)
        {
            if (isKey && _keys.FindLive(item, RecordTable.HashKey(item), now, out _) >= 0)
            {
                return GridResult.OfNumber(0);
            }

            isKey = !isKey;
        }

        var first = strings.Set(new OpView { Code = OpCode.Set, Key = op.Key, Value = op.Value, HasValue = true }, RecordTable.HashKey(op.Key), now);
        if (first.Status != ResultStatus.Ok)
        {
            return first;
        }

        ReadOnlySpan<byte> key = default;
        isKey = true;
        foreach (var item in op.Values)
        {
            if (isKey)
            {
                key = item;
            }
            else
            {
                var written = strings.Set(new OpView { Code = OpCode.Set, Key = key, Value = item, HasValue = true }, RecordTable.HashKey(key), now);
                if (written.Status != ResultStatus.Ok)
                {
                    // Only a full partition stops a plain set; the pairs before stay set.
                    return written;
                }
            }

            isKey = !isKey;
        }

        return GridResult.OfNumber(1);
    }

    private static GridResult TooLong(long length, long max) =>
        GridResult.Failure(ResultStatus.InvalidArgument, $"The appended value would be {length} bytes, larger than MaxValueBytes ({max}).");
}
