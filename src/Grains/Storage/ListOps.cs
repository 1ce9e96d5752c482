using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>Lists: LPUSH/RPUSH, LPOP/RPOP, LRANGE, LLEN. Used under the store's lock.</summary>
internal sealed class ListOps(StructureAccess structures)
{
    private readonly StructureAccess _structures = structures;

    /// <summary>PUSH (left or right, <see cref="OpFlags.Left"/>): the list's length after.</summary>
    public GridResult Push(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.List, create: true, "PUSH", out var error);
        if (entry is null)
        {
            return error;
        }

        long before = entry.HeapSize;
        bool left = (op.Flags & OpFlags.Left) != 0;
        var pushed = new byte[op.ValueCount][];
        int i = 0;
        foreach (var value in op.Values)
        {
            pushed[i] = value.ToArray();
            entry.Push(pushed[i], left);
            i++;
        }

        var delta = _structures.WantsDelta ? new StructureDelta { Kind = StructureDeltaKind.ListPush, Entry = entry, Values = pushed, Left = left } : null;
        _structures.Changed(entry, before, op.Key, hash, delta);
        return GridResult.OfNumber(entry.List!.Count);
    }

    /// <summary>POP up to <see cref="OpView.Arg0"/> elements; the key goes with its last element.</summary>
    public GridResult Pop(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.List, create: false, "POP", out var error);
        if (entry is null)
        {
            return error;
        }

        long before = entry.HeapSize;
        bool left = (op.Flags & OpFlags.Left) != 0;
        var popped = new byte[(int)Math.Min(op.Arg0, entry.List!.Count)][];
        for (int i = 0; i < popped.Length; i++)
        {
            popped[i] = entry.Pop(left);
        }

        var delta = _structures.WantsDelta ? new StructureDelta { Kind = StructureDeltaKind.ListPop, Entry = entry, Count = popped.Length, Left = left } : null;
        _structures.Changed(entry, before, op.Key, hash, delta);
        return new GridResult { Values = popped, Number = popped.Length };
    }

    /// <summary>LRANGE start..stop (inclusive, negative from the end, as Redis).</summary>
    public GridResult Range(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.List, create: false, "LRANGE", out var error);
        if (entry is null)
        {
            return error.Status == ResultStatus.NotFound ? new GridResult { Values = [] } : error;
        }

        var list = entry.List!;
        long count = list.Count;
        long start = op.Arg0 < 0 ? Math.Max(0, count + op.Arg0) : op.Arg0;
        long stop = op.Arg1 < 0 ? count + op.Arg1 : Math.Min(op.Arg1, count - 1);
        if (start > stop || start >= count)
        {
            return new GridResult { Values = [] };
        }

        var values = new byte[stop - start + 1][];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = list[(int)start + i].AsSpan().ToArray();
        }

        return new GridResult { Values = values };
    }

    /// <summary>LLEN: the list's length (0 when missing).</summary>
    public GridResult Length(in OpView op, ulong hash, long now)
    {
        var entry = _structures.Find(op.Key, hash, now, GridValueType.List, create: false, "LLEN", out var error);
        if (entry is null)
        {
            return error.Status == ResultStatus.NotFound ? GridResult.OfNumber(0) : error;
        }

        return GridResult.OfNumber(entry.List!.Count);
    }
}
