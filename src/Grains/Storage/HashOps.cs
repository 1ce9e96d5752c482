using System.Globalization;
using System.Text;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>Hashes: HSET, HGET, HGETALL, HDEL, HINCRBY, HLEN. Used under the store's lock.</summary>
internal sealed class HashOps(StructureAccess structures, StoreCounters counters)
{
    private readonly StructureAccess _structures = structures;
    private readonly StoreCounters _counters = counters;

    /// <summary>HSET: 1 when the field is new.</summary>
    public GridResult Set(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.Hash, create: true, "HSET", out var error);
        if (entry is null)
        {
            return error;
        }

        long before = entry.HeapSize;
        string field = FieldOf(op);
        byte[] value = op.Value.ToArray();
        bool added = entry.SetField(field, value);
        _structures.Changed(entry, before, op.Key, hash, SetDelta(entry, field, value));
        return GridResult.OfNumber(added ? 1 : 0);
    }

    /// <summary>HGET: the field's value.</summary>
    public GridResult Get(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.Hash, create: false, "HGET", out var error);
        if (entry is null || !entry.Hash!.TryGetValue(FieldOf(op), out var value))
        {
            _counters.Misses++;
            return entry is null ? error : StoreResults.NotFound;
        }

        _counters.Hits++;
        return GridResult.OfValue(value.AsSpan().ToArray());
    }

    /// <summary>HGETALL: every field and value (none when the key is missing).</summary>
    public GridResult GetAll(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.Hash, create: false, "HGETALL", out var error);
        if (entry is null)
        {
            return error.Status == ResultStatus.NotFound ? new GridResult { Fields = [], Values = [] } : error;
        }

        var fields = new string[entry.Hash!.Count];
        var values = new byte[fields.Length][];
        int i = 0;
        foreach (var pair in entry.Hash)
        {
            fields[i] = pair.Key;
            values[i] = pair.Value.AsSpan().ToArray();
            i++;
        }

        return new GridResult { Fields = fields, Values = values };
    }

    /// <summary>HDEL: 1 when the field was there; the key goes with its last field.</summary>
    public GridResult Delete(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.Hash, create: false, "HDEL", out var error);
        if (entry is null)
        {
            return error.Status == ResultStatus.NotFound ? GridResult.OfNumber(0) : error;
        }

        long before = entry.HeapSize;
        string field = FieldOf(op);
        if (!entry.RemoveField(field))
        {
            return GridResult.OfNumber(0);
        }

        var delta = _structures.WantsDelta ? new StructureDelta { Kind = StructureDeltaKind.HashDelete, Entry = entry, Field = field } : null;
        _structures.Changed(entry, before, op.Key, hash, delta);
        return GridResult.OfNumber(1);
    }

    /// <summary>HINCRBY: the field as a 64-bit integer, created at 0.</summary>
    public GridResult Increment(in OpView op, ulong hash, long now)
    {
        // Check the current field before creating anything, so a failed increment leaves no empty hash behind.
        if (_structures.Peek(op.Key, hash, now) is ComplexEntry { Hash: not null } existing
            && existing.Hash.TryGetValue(FieldOf(op), out var current))
        {
            if (!CounterArithmetic.TryParseInteger(current, out long value))
            {
                return GridResult.Failure(ResultStatus.NotInteger, "The hash field does not hold a 64-bit integer, so it cannot be incremented.");
            }

            if (!CounterArithmetic.TryAdd(value, op.Arg0, out long sum))
            {
                return GridResult.Failure(ResultStatus.Overflow, $"Adding {op.Arg0} to {value} overflows a 64-bit counter.");
            }

            return Put(op, hash, now, sum);
        }

        return Put(op, hash, now, op.Arg0);
    }

    /// <summary>HLEN: the number of fields (0 when missing).</summary>
    public GridResult Length(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.Hash, create: false, "HLEN", out var error);
        if (entry is null)
        {
            return error.Status == ResultStatus.NotFound ? GridResult.OfNumber(0) : error;
        }

        return GridResult.OfNumber(entry.Hash!.Count);
    }

    private static string FieldOf(in OpView op) => Encoding.UTF8.GetString(op.Field);

    private GridResult Put(in OpView op, ulong hash, long now, long number)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.Hash, create: true, "HINCRBY", out var error);
        if (entry is null)
        {
            return error;
        }

        long before = entry.HeapSize;
        string field = FieldOf(op);
        byte[] value = Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture));
        entry.SetField(field, value);
        _structures.Changed(entry, before, op.Key, hash, SetDelta(entry, field, value));
        return GridResult.OfNumber(number);
    }

    private StructureDelta? SetDelta(ComplexEntry entry, string field, byte[] value) =>
        _structures.WantsDelta ? new StructureDelta { Kind = StructureDeltaKind.HashSet, Entry = entry, Field = field, Value = value } : null;
}
