namespace Grid.Grains.Storage;

/// <summary>A hash or list entry: its record (header, key, tags) and elements, as it moves or is replicated.</summary>
[GenerateSerializer, Alias("grid.StructureSnapshot")]
internal sealed class StructureSnapshot
{
    [Id(0)] public byte[] Record { get; set; } = [];

    /// <summary>Hash field names (null for a list).</summary>
    [Id(1)] public string[]? Fields { get; set; }

    /// <summary>Hash field values or list elements, in order.</summary>
    [Id(2)] public byte[][] Values { get; set; } = [];

    /// <summary>
    /// A copy of a hash or list entry (the caller holds its store's lock): a copy of the record; the element arrays are
    /// shared, as a store never modifies an element in place.
    /// </summary>
    public static StructureSnapshot From(ComplexEntry complex)
    {
        var snapshot = new StructureSnapshot { Record = complex.Record.AsSpan().ToArray() };
        if (complex.Hash is { } hash)
        {
            var fields = new string[hash.Count];
            var values = new byte[fields.Length][];
            int i = 0;
            foreach (var pair in hash)
            {
                fields[i] = pair.Key;
                values[i] = pair.Value;
                i++;
            }

            snapshot.Fields = fields;
            snapshot.Values = values;
        }
        else
        {
            var list = complex.List!;
            snapshot.Values = new byte[list.Count][];
            for (int j = 0; j < list.Count; j++)
            {
                snapshot.Values[j] = list[j];
            }
        }

        return snapshot;
    }

    /// <summary>The hash or list entry rebuilt from this snapshot (its arrays are taken, not copied).</summary>
    public ComplexEntry ToEntry()
    {
        var entry = new ComplexEntry(Record, EntryRecord.Type(Record));
        for (int i = 0; i < Values.Length; i++)
        {
            if (entry.Hash is not null)
            {
                entry.SetField(Fields![i], Values[i]);
            }
            else
            {
                entry.Push(Values[i], left: false);
            }
        }

        return entry;
    }
}
