using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>
/// An entry whose value is a structure (hash or list). Its <see cref="Record"/> has the same header, key and tags layout
/// as a plain record, with no value bytes; the structure lives in <see cref="Hash"/> or <see cref="List"/>.
/// </summary>
internal sealed class ComplexEntry
{
    // This object: header, three references and a long.
    private const long EntryOverhead = 48;

    // A Dictionary<string, byte[]> object with the headers of its bucket and entry arrays.
    private const long HashOverhead = 88 + 2 * 24;

    // Per dictionary slot: a 24-byte entry (hash code, next, key, value) and a 4-byte bucket.
    private const long HashSlotSize = 24 + 4;

    // A ByteDeque object with the header of its ring array (whose 8-byte slots are counted by capacity).
    private const long ListOverhead = 32 + 24;

    public ComplexEntry(byte[] record, GridValueType type)
    {
        Record = record;
        if (type == GridValueType.Hash)
        {
            Hash = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        }
        else
        {
            List = new ByteDeque();
        }
    }

    public byte[] Record { get; set; }

    public Dictionary<string, byte[]>? Hash { get; }

    public ByteDeque? List { get; }

    /// <summary>Estimated bytes held by the structure's elements.</summary>
    public long PayloadBytes { get; private set; }

    /// <summary>Sets a hash field (keeping <see cref="PayloadBytes"/> right); true when the field is new.</summary>
    public bool SetField(string field, byte[] value)
    {
        var hash = Hash!;
        bool added = true;
        if (hash.TryGetValue(field, out var old))
        {
            PayloadBytes -= FieldSize(field, old);
            added = false;
        }

        hash[field] = value;
        PayloadBytes += FieldSize(field, value);
        return added;
    }

    /// <summary>Deletes a hash field; false when it did not exist.</summary>
    public bool RemoveField(string field)
    {
        if (!Hash!.Remove(field, out var old))
        {
            return false;
        }

        PayloadBytes -= FieldSize(field, old);
        return true;
    }

    /// <summary>Pushes a list element at the head or the tail.</summary>
    public void Push(byte[] value, bool left)
    {
        if (left)
        {
            List!.PushLeft(value);
        }
        else
        {
            List!.PushRight(value);
        }

        PayloadBytes += ElementSize(value);
    }

    /// <summary>Pops the list element at the head or the tail.</summary>
    public byte[] Pop(bool left)
    {
        var value = left ? List!.PopLeft() : List!.PopRight();
        PayloadBytes -= ElementSize(value);
        return value;
    }

    public int Count => Hash?.Count ?? List!.Count;

    public long HeapSize => EntryOverhead + EntryRecord.HeapSize(Record.Length) + PayloadBytes
        + (Hash is null ? ListOverhead + List!.Capacity * 8L : HashOverhead + Hash.EnsureCapacity(0) * HashSlotSize);

    /// <summary>Estimated heap bytes of one hash field: its name string (22 bytes + 2 per char, 8-aligned) and value array; the dictionary slot is counted by capacity.</summary>
    public static long FieldSize(string field, byte[] value) => ((22 + field.Length * 2L + 7) & ~7L) + EntryRecord.HeapSize(value.Length);

    /// <summary>Estimated heap bytes of one list element: its array (the ring slot is counted by capacity).</summary>
    public static long ElementSize(byte[] value) => EntryRecord.HeapSize(value.Length);
}
