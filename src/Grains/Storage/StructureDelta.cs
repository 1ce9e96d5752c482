namespace Grid.Grains.Storage;

/// <summary>What a <see cref="StructureDelta"/> did to its hash or list.</summary>
internal enum StructureDeltaKind : byte
{
    /// <summary>The structure was created empty (its type is in its record).</summary>
    Create = 1,

    /// <summary>Only the record changed (expiry); no element did.</summary>
    Header = 2,

    /// <summary>A hash field was set (HSET, HINCRBY): <see cref="StructureDelta.Field"/> = <see cref="StructureDelta.Value"/>.</summary>
    HashSet = 3,

    /// <summary>A hash field was deleted (HDEL): <see cref="StructureDelta.Field"/>.</summary>
    HashDelete = 4,

    /// <summary>Elements were pushed (LPUSH/RPUSH): <see cref="StructureDelta.Values"/> in push order, at <see cref="StructureDelta.Left"/>.</summary>
    ListPush = 5,

    /// <summary><see cref="StructureDelta.Count"/> elements were popped from <see cref="StructureDelta.Left"/>.</summary>
    ListPop = 6,
}

/// <summary>
/// The change one hash or list operation made to its structure, so replication ships the operation's effect (a field,
/// a few elements) instead of a copy of the whole structure. Element arrays are shared, never copied: a store never
/// modifies an element in place. <see cref="CountAfter"/> lets the replica check that its copy followed.
/// </summary>
internal sealed class StructureDelta
{
    public StructureDeltaKind Kind { get; init; }

    /// <summary>The structure changed (the delta is reported with this entry's write only).</summary>
    public ComplexEntry? Entry { get; init; }

    public string? Field { get; init; }

    public byte[]? Value { get; init; }

    public byte[][]? Values { get; init; }

    public int Count { get; init; }

    public bool Left { get; init; }

    /// <summary>Fields or elements the structure holds after the change.</summary>
    public int CountAfter { get; set; }

    /// <summary>
    /// Applies the delta to <paramref name="entry"/> (the replica's copy, its record already replaced); false when it
    /// cannot follow: wrong shape, a missing field or element, or a size that does not match the primary's.
    /// </summary>
    public bool ApplyTo(ComplexEntry entry)
    {
        switch (Kind)
        {
            case StructureDeltaKind.Create:
            case StructureDeltaKind.Header:
                break;
            case StructureDeltaKind.HashSet:
                if (entry.Hash is null || Field is null || Value is null)
                {
                    return false;
                }

                entry.SetField(Field, Value);
                break;
            case StructureDeltaKind.HashDelete:
                if (entry.Hash is null || Field is null || !entry.RemoveField(Field))
                {
                    return false;
                }

                break;
            case StructureDeltaKind.ListPush:
                if (entry.List is null || Values is null)
                {
                    return false;
                }

                foreach (var value in Values)
                {
                    entry.Push(value, Left);
                }

                break;
            case StructureDeltaKind.ListPop:
                if (entry.List is null || Count > entry.List.Count)
                {
                    return false;
                }

                for (int i = 0; i < Count; i++)
                {
                    entry.Pop(Left);
                }

                break;
            default:
                return false;
        }

        return entry.Count == CountAfter;
    }
}
