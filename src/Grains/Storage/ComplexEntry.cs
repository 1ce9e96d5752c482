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
    public long PayloadBytes { get; set; }

    public int Count => Hash?.Count ?? List!.Count;

    public long HeapSize => EntryOverhead + EntryRecord.HeapSize(Record.Length) + PayloadBytes
        + (Hash is null ? ListOverhead + List!.Capacity * 8L : HashOverhead + Hash.EnsureCapacity(0) * HashSlotSize);

    /// <summary>Estimated heap bytes of one hash field: its name string (22 bytes + 2 per char, 8-aligned) and value array; the dictionary slot is counted by capacity.</summary>
    public static long FieldSize(string field, byte[] value) => ((22 + field.Length * 2L + 7) & ~7L) + EntryRecord.HeapSize(value.Length);

    /// <summary>Estimated heap bytes of one list element: its array (the ring slot is counted by capacity).</summary>
    public static long ElementSize(byte[] value) => EntryRecord.HeapSize(value.Length);
}
