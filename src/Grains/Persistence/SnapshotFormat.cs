using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Grains.Persistence;

/// <summary>
/// The file format of one partition's snapshot (warm restart). Everything little-endian:
/// <code>
/// [0..7]    magic "GRIDSNAP"
/// [8..9]    format version (2; version 1, whose entry headers had no entry version, is still read)
/// [10..11]  flags (0)
/// [12..15]  partition
/// [16..19]  partition count of the cluster that wrote it (keys hash to other partitions under another count)
/// [20..23]  record count (strings and counters)
/// [24..31]  written at (unix ms)
/// [32..39]  the partition's write version
/// [40..43]  structure count (hashes and lists)
/// [44..47]  reserved (0)
/// records:    per record: length (int32), the record exactly as stored (header, key, tags, value: see EntryRecord)
/// structures: per structure: record length (int32), record, element count (int32), then per element:
///             for a hash field name length (int32) + UTF-8 name, then value length (int32) + value bytes
/// [last 8]  XxHash64 of everything before it
/// </code>
/// A reader trusts nothing before the checksum matched, and after it still checks every length against the bytes it
/// has, so a truncated, corrupt or foreign file is refused with a reason instead of crashing the silo.
/// </summary>
internal static class SnapshotFormat
{
    public const int HeaderSize = 48;
    public const int ChecksumSize = 8;
    public const ushort CurrentVersion = 2;

    /// <summary>The format before entries carried versions: read, its records given version 0.</summary>
    public const ushort Version1 = 1;

    // Hash field names were valid UTF-8 when written; a name that is not was damaged, and the file is refused.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Magic => "GRIDSNAP"u8;

    /// <summary>Appends the file of <paramref name="snapshot"/> (partition <paramref name="partition"/> of <paramref name="partitionCount"/>) to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, int partition, int partitionCount, long writtenAtMs, StoreSnapshot snapshot)
    {
        int size = checked((int)SizeOf(snapshot));
        var file = output.GetSpan(size)[..size];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(file[10..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(file[12..], partition);
        BinaryPrimitives.WriteInt32LittleEndian(file[16..], partitionCount);
        BinaryPrimitives.WriteInt32LittleEndian(file[20..], snapshot.Records.Length);
        BinaryPrimitives.WriteInt64LittleEndian(file[24..], writtenAtMs);
        BinaryPrimitives.WriteInt64LittleEndian(file[32..], snapshot.Version);
        BinaryPrimitives.WriteInt32LittleEndian(file[40..], snapshot.Structures.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file[44..], 0);
        int offset = HeaderSize;
        foreach (var record in snapshot.Records)
        {
            offset = WriteBytes(file, offset, record);
        }

        foreach (var structure in snapshot.Structures)
        {
            offset = WriteBytes(file, offset, structure.Record);
            BinaryPrimitives.WriteInt32LittleEndian(file[offset..], structure.Values.Length);
            offset += 4;
            for (int i = 0; i < structure.Values.Length; i++)
            {
                if (structure.Fields is { } fields)
                {
                    int length = Encoding.UTF8.GetBytes(fields[i], file[(offset + 4)..]);
                    BinaryPrimitives.WriteInt32LittleEndian(file[offset..], length);
                    offset += 4 + length;
                }

                offset = WriteBytes(file, offset, structure.Values[i]);
            }
        }

        BinaryPrimitives.WriteUInt64LittleEndian(file[offset..], XxHash64.HashToUInt64(file[..offset]));
        output.Advance(size);
    }

    /// <summary>Bytes of the file of <paramref name="snapshot"/>.</summary>
    public static long SizeOf(StoreSnapshot snapshot)
    {
        long size = HeaderSize + ChecksumSize;
        foreach (var record in snapshot.Records)
        {
            size += 4L + record.Length;
        }

        foreach (var structure in snapshot.Structures)
        {
            size += 4L + structure.Record.Length + 4;
            for (int i = 0; i < structure.Values.Length; i++)
            {
                size += 4L + structure.Values[i].Length;
                if (structure.Fields is { } fields)
                {
                    size += 4L + Encoding.UTF8.GetByteCount(fields[i]);
                }
            }
        }

        return size;
    }

    /// <summary>
    /// Reads a file written for <paramref name="partition"/> of <paramref name="partitionCount"/>. False, with the reason
    /// in <paramref name="error"/>, for a file that is truncated, corrupt, of another format version, of another
    /// partition or of a cluster with another partition count.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> file, int partition, int partitionCount, out SnapshotFile? snapshot, out string error)
    {
        snapshot = null;
        try
        {
            snapshot = Read(file, partition, partitionCount);
            error = "";
            return true;
        }
        catch (InvalidDataException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    private static SnapshotFile Read(ReadOnlySpan<byte> file, int partition, int partitionCount)
    {
        if (file.Length >= Magic.Length && !file[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a Grid snapshot file (wrong magic bytes)");
        }

        if (file.Length < HeaderSize + ChecksumSize)
        {
            throw new InvalidDataException($"truncated: {file.Length} bytes, shorter than a snapshot's header and checksum ({HeaderSize + ChecksumSize})");
        }

        int version = BinaryPrimitives.ReadUInt16LittleEndian(file[8..]);
        if (version != CurrentVersion && version != Version1)
        {
            throw new InvalidDataException($"format version {version}, this silo reads versions {Version1} and {CurrentVersion}");
        }

        int body = file.Length - ChecksumSize;
        if (XxHash64.HashToUInt64(file[..body]) != BinaryPrimitives.ReadUInt64LittleEndian(file[body..]))
        {
            throw new InvalidDataException($"checksum mismatch ({file.Length} bytes): the file is corrupt or truncated");
        }

        int filePartition = BinaryPrimitives.ReadInt32LittleEndian(file[12..]);
        if (filePartition != partition)
        {
            throw new InvalidDataException($"it holds partition {filePartition}, not {partition}");
        }

        int filePartitionCount = BinaryPrimitives.ReadInt32LittleEndian(file[16..]);
        if (filePartitionCount != partitionCount)
        {
            throw new InvalidDataException($"written by a cluster of {filePartitionCount} partitions, this one has {partitionCount} (Grid:PartitionCount)");
        }

        var reader = new Reader(file[..body], HeaderSize);
        int recordCount = Count(BinaryPrimitives.ReadInt32LittleEndian(file[20..]), file.Length, "record count");
        int structureCount = Count(BinaryPrimitives.ReadInt32LittleEndian(file[40..]), file.Length, "structure count");
        var records = new byte[recordCount][];
        for (int i = 0; i < records.Length; i++)
        {
            records[i] = Record(ref reader, structure: false, version);
        }

        var structures = new StructureSnapshot[structureCount];
        for (int i = 0; i < structures.Length; i++)
        {
            byte[] record = Record(ref reader, structure: true, version);
            bool hash = EntryRecord.Type(record) == GridValueType.Hash;
            int count = Count(reader.Int32(), file.Length, "element count");
            var values = new byte[count][];
            string[]? fields = hash ? new string[count] : null;
            for (int j = 0; j < count; j++)
            {
                if (fields is not null)
                {
                    fields[j] = reader.Text();
                }

                values[j] = reader.Bytes();
            }

            structures[i] = new StructureSnapshot { Record = record, Fields = fields, Values = values };
        }

        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"{reader.Remaining} bytes after the last entry");
        }

        var store = new StoreSnapshot { Records = records, Structures = structures, Version = BinaryPrimitives.ReadInt64LittleEndian(file[32..]) };
        return new SnapshotFile(partition, BinaryPrimitives.ReadInt64LittleEndian(file[24..]), store);
    }

    private static int WriteBytes(Span<byte> file, int offset, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(file[offset..], bytes.Length);
        bytes.CopyTo(file[(offset + 4)..]);
        return offset + 4 + bytes.Length;
    }

    /// <summary>A count read from the file: not negative, and not more items than the file has bytes (each takes at least 4).</summary>
    private static int Count(int count, int fileLength, string what) =>
        count < 0 || count > fileLength / 4 ? throw new InvalidDataException($"{what} {count} does not fit a file of {fileLength} bytes") : count;

    /// <summary>A record, checked to be one the store can read: its header, key and tag block lie within it.</summary>
    private static byte[] Record(ref Reader reader, bool structure, int formatVersion)
    {
        int at = reader.Offset;
        byte[] record = reader.Bytes();
        if (formatVersion == Version1)
        {
            // Checked in its own layout first (its length field), then widened to today's header.
            if (record.Length < EntryRecord.Version1HeaderSize || EntryRecord.Length(record) != (record.Length <= ushort.MaxValue ? record.Length : 0))
            {
                throw new InvalidDataException($"the entry at offset {at} is malformed: not a version 1 entry header");
            }

            record = EntryRecord.FromVersion1(record);
        }

        if (RecordError(record, structure) is { } problem)
        {
            throw new InvalidDataException($"the entry at offset {at} is malformed: {problem}");
        }

        return record;
    }

    private static string? RecordError(byte[] record, bool structure)
    {
        if (record.Length < EntryRecord.BaseHeaderSize)
        {
            return "shorter than an entry header";
        }

        var type = EntryRecord.Type(record);
        bool typeFits = structure ? (type is GridValueType.Hash or GridValueType.List) : (type is GridValueType.String or GridValueType.Counter);
        if (!typeFits)
        {
            return $"type {(int)type}";
        }

        // Sliding entries always carry the expiry field too (EntryRecord.FlagsOf); a dead record is never written.
        byte flags = record[1];
        if ((flags & ~(EntryRecord.FlagSliding | EntryRecord.FlagTags | EntryRecord.FlagExpires)) != 0
            || ((flags & EntryRecord.FlagSliding) != 0 && (flags & EntryRecord.FlagExpires) == 0))
        {
            return $"flags {flags}";
        }

        // The stored length is what an arena page walks by: it must be the record's (0 only for records too long for it).
        int stated = EntryRecord.Length(record);
        if (stated != (record.Length <= ushort.MaxValue ? record.Length : 0))
        {
            return $"length field {stated} for {record.Length} bytes";
        }

        int keyOffset = EntryRecord.KeyOffset(record);
        int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(2));
        if (keyLength == 0 || keyOffset + keyLength > record.Length)
        {
            return "its key does not fit";
        }

        if (!EntryRecord.HasTags(record))
        {
            return null;
        }

        // The tag block: a count, then per tag a length and that many bytes, all inside the record.
        int offset = keyOffset + keyLength;
        if (offset >= record.Length || record[offset] == 0)
        {
            return "its tag block is missing";
        }

        int tags = record[offset++];
        for (int i = 0; i < tags; i++)
        {
            if (record.Length - offset < 2)
            {
                return "its tag block does not fit";
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(offset));
            offset += 2 + length;
            if (offset > record.Length)
            {
                return "its tag block does not fit";
            }
        }

        return null;
    }

    /// <summary>Reads length-prefixed items, throwing <see cref="InvalidDataException"/> instead of reading past the end.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data, int offset)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Offset { get; private set; } = offset;

        public readonly int Remaining => _data.Length - Offset;

        public int Int32()
        {
            Need(4);
            int value = BinaryPrimitives.ReadInt32LittleEndian(_data[Offset..]);
            Offset += 4;
            return value;
        }

        public byte[] Bytes() => Span().ToArray();

        public string Text()
        {
            var bytes = Span();
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException($"a hash field name before offset {Offset} is not valid UTF-8");
            }
        }

        private ReadOnlySpan<byte> Span()
        {
            int length = Int32();
            if (length < 0)
            {
                throw new InvalidDataException($"negative length {length} at offset {Offset - 4}");
            }

            Need(length);
            var span = _data.Slice(Offset, length);
            Offset += length;
            return span;
        }

        private readonly void Need(int bytes)
        {
            if (Remaining < bytes)
            {
                throw new InvalidDataException($"truncated: {bytes} bytes needed at offset {Offset}, {Remaining} left");
            }
        }
    }
}
