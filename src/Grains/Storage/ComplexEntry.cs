using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>
/// An entry whose value is a structure (hash or list). Its <see cref="Record"/> has the same header, key and tags layout
/// as a plain record, with no value bytes; the structure lives in <see cref="Hash"/> or <see cref="List"/>.
/// </summary>
internal sealed class ComplexEntry
{
    // Estimated managed overhead of this object and of an empty structure.
    private const long BaseOverhead = 48 + 96;

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

    public long HeapSize => BaseOverhead + EntryRecord.HeapSize(Record.Length) + PayloadBytes + (Hash is null ? List!.Capacity * 8L : Hash.EnsureCapacity(0) * 24L);

    /// <summary>Estimated heap bytes of one hash field (string + value array + dictionary slot excluded).</summary>
    public static long FieldSize(string field, byte[] value) => 22 + ((field.Length * 2L + 7) & ~7L) + EntryRecord.HeapSize(value.Length);
}
