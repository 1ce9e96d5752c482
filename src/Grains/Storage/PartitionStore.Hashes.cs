using System.Globalization;
using System.Text;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>
    /// The structure at a key, created when missing and <paramref name="create"/> is set. Returns null with
    /// <paramref name="error"/> set (wrong type, missing, or partition full).
    /// </summary>
    private ComplexEntry? Structure(ReadOnlySpan<byte> key, ulong hash, long now, GridValueType type, bool create, string operation, out GridResult error)
    {
        int index = FindLive(key, hash, now, out int slot);
        if (index < 0)
        {
            if (!create)
            {
                error = NotFound;
                return null;
            }

            var record = EntryRecord.Create(type, key, EntryExpiry.None, [], 0, now, out _);
            var created = new ComplexEntry(record, type);
            if (!Insert(hash, slot, created))
            {
                error = PartitionFull;
                return null;
            }

            error = default;
            return created;
        }

        if (_records[index] is ComplexEntry entry && EntryRecord.Type(entry.Record) == type)
        {
            EntryRecord.Touch(entry.Record, now);
            error = default;
            return entry;
        }

        error = WrongType(operation, EntryRecord.Type(RecordOf(_records[index])));
        return null;
    }

    private static string FieldOf(in OpView op) => Encoding.UTF8.GetString(op.Field);

    /// <summary>Accounts for a structure's change of size, and removes its key when it became empty.</summary>
    private void AfterStructureChange(ComplexEntry entry, long sizeBefore, ReadOnlySpan<byte> key, ulong hash)
    {
        // Account first: RemoveAt subtracts the entry's size as it is now, so the change must be in the bytes already.
        Account(entry.HeapSize - sizeBefore);
        if (entry.Count == 0)
        {
            int index = Find(key, hash, out int slot);
            RemoveAt(index, slot, RemovalCause.Deleted);
            Counters.Deletions++;
            return;
        }

        Changed(entry);
    }

    private GridResult HashSet(in OpView op, ulong hash, long now)
    {
        var entry = Structure(op.Key, hash, now, GridValueType.Hash, create: true, "HSET", out var error);
        if (entry is null)
        {
            return error;
        }

        long before = entry.HeapSize;
        bool added = entry.SetField(FieldOf(op), op.Value.ToArray());
        AfterStructureChange(entry, before, op.Key, hash);
        return GridResult.OfNumber(added ? 1 : 0);
    }

    private GridResult HashGet(in OpView op, ulong hash, long now)
    {
        var entry = Structure(op.Key, hash, now, GridValueType.Hash, create: false, "HGET", out var error);
        if (entry is null || !entry.Hash!.TryGetValue(FieldOf(op), out var value))
        {
            Counters.Misses++;
            return entry is null ? error : NotFound;
        }

        Counters.Hits++;
        return GridResult.OfValue(value.AsSpan().ToArray());
    }

    private GridResult HashGetAll(in OpView op, ulong hash, long now)
    {
        var entry = Structure(op.Key, hash, now, GridValueType.Hash, create: false, "HGETALL", out var error);
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

    private GridResult HashDelete(in OpView op, ulong hash, long now)
    {
        var entry = Structure(op.Key, hash, now, GridValueType.Hash, create: false, "HDEL", out var error);
        if (entry is null)
        {
            return error.Status == ResultStatus.NotFound ? GridResult.OfNumber(0) : error;
        }

        long before = entry.HeapSize;
        if (!entry.RemoveField(FieldOf(op)))
        {
            return GridResult.OfNumber(0);
        }

        AfterStructureChange(entry, before, op.Key, hash);
        return GridResult.OfNumber(1);
    }

    private GridResult HashIncrement(in OpView op, ulong hash, long now)
    {
        // Check the current field before creating anything, so a failed increment leaves no empty hash behind.
        int index = FindLive(op.Key, hash, now, out _);
        if (index >= 0 && _records[index] is ComplexEntry { Hash: not null } existing
            && existing.Hash.TryGetValue(FieldOf(op), out var current))
        {
            if (!TryParseInteger(current, out long value))
            {
                return GridResult.Failure(ResultStatus.NotInteger, "The hash field does not hold a 64-bit integer, so it cannot be incremented.");
            }

            if (!TryAdd(value, op.Arg0, out long sum))
            {
                return GridResult.Failure(ResultStatus.Overflow, $"Adding {op.Arg0} to {value} overflows a 64-bit counter.");
            }

            return HashPut(op, hash, now, sum);
        }

        return HashPut(op, hash, now, op.Arg0);
    }

    private GridResult HashPut(in OpView op, ulong hash, long now, long number)
    {
        var entry = Structure(op.Key, hash, now, GridValueType.Hash, create: true, "HINCRBY", out var error);
        if (entry is null)
        {
            return error;
        }

        long before = entry.HeapSize;
        entry.SetField(FieldOf(op), Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));
        AfterStructureChange(entry, before, op.Key, hash);
        return GridResult.OfNumber(number);
    }

    private GridResult HashLength(in OpView op, ulong hash, long now)
    {
        var entry = Structure(op.Key, hash, now, GridValueType.Hash, create: false, "HLEN", out var error);
        if (entry is null)
        {
            return error.Status == ResultStatus.NotFound ? GridResult.OfNumber(0) : error;
        }

        return GridResult.OfNumber(entry.Hash!.Count);
    }
}
