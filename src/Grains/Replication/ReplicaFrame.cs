using System.Buffers.Binary;
using System.Text;
using Grid.Grains.Storage;
using Grid.Protocol.Wire;

namespace Grid.Grains.Replication;

/// <summary>
/// A batch of <see cref="ReplicaItem"/>s as one byte array, encoded like the client's request frames (lengths and bytes,
/// varints), so a shipment costs Orleans one array to copy instead of an object graph per change.
/// <code>
/// frame     := version(1) count(varint) item*
/// item      := kind(u8) partition(varint) version(zigzag) body
///   Write   := previous(zigzag) structured(u8) record(bytes) [structure]
///   Remove  := previous(zigzag) key(bytes)
///   Delta   := previous(zigzag) record(bytes) deltaKind(u8) countAfter(varint) deltaBody
///   Seed    := snapshot          Drop := (nothing)
///   Request := client(u64 LE) requestId(zigzag) completedBelow(zigzag) answer(bytes)
/// deltaBody := Create | Header: nothing; HashSet: field(bytes) value(bytes); HashDelete: field(bytes);
///              ListPush: left(u8) count(varint) value(bytes)*; ListPop: left(u8) count(varint)
/// structure := hash(u8) count(varint) (field(bytes) value(bytes))* | (hash = 0) value(bytes)*
/// snapshot  := version(zigzag) count(varint) record(bytes)* count(varint) (record(bytes) structure)*
///              requests(u8) [count(varint) (client(u64 LE) completedBelow(zigzag) idleMs(zigzag)
///              count(varint) (id(zigzag) answer(bytes))*)*]
/// bytes     := length(varint) data
/// </code>
/// <see cref="Decode"/> reads the whole frame before anything is applied: a truncated or malformed frame throws
/// <see cref="FormatException"/> and changes nothing.
/// </summary>
internal static class ReplicaFrame
{
    public const byte Version = 2; // 2: records carry an entry version (EntryRecord header of 18 bytes)

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The frame of <paramref name="items"/>, in order.</summary>
    public static byte[] Encode(ReadOnlySpan<ReplicaItem> items)
    {
        long estimate = 16;
        foreach (var item in items)
        {
            estimate += item.EstimatedBytes;
        }

        using var buffer = new FrameBuffer((int)Math.Min(estimate, 1 << 20));
        buffer.WriteByte(Version);
        buffer.WriteVarint((ulong)items.Length);
        foreach (var item in items)
        {
            Write(buffer, item);
        }

        return buffer.ToArray();
    }

    /// <summary>The items of <paramref name="frame"/>; throws <see cref="FormatException"/> when it is truncated or malformed.</summary>
    public static ReplicaItem[] Decode(ReadOnlySpan<byte> frame)
    {
        var reader = new FrameReader(frame);
        byte version = reader.ReadByte();
        if (version != Version)
        {
            throw new FormatException($"Malformed replication frame: version {version}, expected {Version}.");
        }

        var items = new ReplicaItem[reader.ReadCount()];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = Read(ref reader);
        }

        if (!reader.End)
        {
            throw new FormatException("Malformed replication frame: bytes follow its last item.");
        }

        return items;
    }

    private static void Write(FrameBuffer buffer, ReplicaItem item)
    {
        buffer.WriteByte((byte)item.Kind);
        buffer.WriteVarint((ulong)item.Partition);
        buffer.WriteSigned(item.Version);
        switch (item.Kind)
        {
            case ReplicaItemKind.Write:
                buffer.WriteSigned(item.PreviousVersion);
                if (item.Structure is { } structure)
                {
                    buffer.WriteByte(1);
                    buffer.WriteBytes(structure.Record);
                    WriteStructure(buffer, structure);
                }
                else
                {
                    buffer.WriteByte(0);
                    buffer.WriteBytes(item.Record);
                }

                break;
            case ReplicaItemKind.Remove:
                buffer.WriteSigned(item.PreviousVersion);
                buffer.WriteBytes(item.Record);
                break;
            case ReplicaItemKind.Delta:
                buffer.WriteSigned(item.PreviousVersion);
                buffer.WriteBytes(item.Record);
                WriteDelta(buffer, item.Delta!);
                break;
            case ReplicaItemKind.Seed:
                WriteSnapshot(buffer, item.Seed!);
                break;
            case ReplicaItemKind.Drop:
                break;
            case ReplicaItemKind.Request:
                BinaryPrimitives.WriteUInt64LittleEndian(buffer.Reserve(8), item.RequestClient);
                buffer.WriteSigned(item.RequestId);
                buffer.WriteSigned(item.CompletedBelow);
                buffer.WriteBytes(item.Record);
                break;
            default:
                throw new ArgumentException($"Unknown replica item kind {item.Kind}.", nameof(item));
        }
    }

    private static ReplicaItem Read(ref FrameReader reader)
    {
        var kind = (ReplicaItemKind)reader.ReadByte();
        var item = new ReplicaItem { Kind = kind, Partition = ReadInt(ref reader), Version = reader.ReadSigned() };
        switch (kind)
        {
            case ReplicaItemKind.Write:
                item.PreviousVersion = reader.ReadSigned();
                byte structured = reader.ReadByte();
                if (structured > 1)
                {
                    throw new FormatException("Malformed replication frame: a write's structure flag is neither 0 nor 1.");
                }

                byte[] record = reader.ReadBytes().ToArray();
                if (structured == 1)
                {
                    item.Structure = ReadStructure(ref reader, record);
                }
                else
                {
                    item.Record = record;
                }

                break;
            case ReplicaItemKind.Remove:
                item.PreviousVersion = reader.ReadSigned();
                item.Record = reader.ReadBytes().ToArray();
                break;
            case ReplicaItemKind.Delta:
                item.PreviousVersion = reader.ReadSigned();
                item.Record = reader.ReadBytes().ToArray();
                item.Delta = ReadDelta(ref reader);
                break;
            case ReplicaItemKind.Seed:
                item.Seed = ReadSnapshot(ref reader);
                break;
            case ReplicaItemKind.Drop:
                break;
            case ReplicaItemKind.Request:
                item.RequestClient = reader.ReadUInt64();
                item.RequestId = reader.ReadSigned();
                item.CompletedBelow = reader.ReadSigned();
                item.Record = reader.ReadBytes().ToArray();
                break;
            default:
                throw new FormatException($"Malformed replication frame: unknown item kind {(byte)kind}.");
        }

        return item;
    }

    private static void WriteDelta(FrameBuffer buffer, StructureDelta delta)
    {
        buffer.WriteByte((byte)delta.Kind);
        buffer.WriteVarint((ulong)delta.CountAfter);
        switch (delta.Kind)
        {
            case StructureDeltaKind.HashSet:
                buffer.WriteString(delta.Field!);
                buffer.WriteBytes(delta.Value);
                break;
            case StructureDeltaKind.HashDelete:
                buffer.WriteString(delta.Field!);
                break;
            case StructureDeltaKind.ListPush:
                buffer.WriteByte(delta.Left ? (byte)1 : (byte)0);
                buffer.WriteVarint((ulong)delta.Values!.Length);
                foreach (var value in delta.Values)
                {
                    buffer.WriteBytes(value);
                }

                break;
            case StructureDeltaKind.ListPop:
                buffer.WriteByte(delta.Left ? (byte)1 : (byte)0);
                buffer.WriteVarint((ulong)delta.Count);
                break;
        }
    }

    private static StructureDelta ReadDelta(ref FrameReader reader)
    {
        var kind = (StructureDeltaKind)reader.ReadByte();
        int countAfter = ReadInt(ref reader);
        switch (kind)
        {
            case StructureDeltaKind.Create or StructureDeltaKind.Header:
                return new StructureDelta { Kind = kind, CountAfter = countAfter };
            case StructureDeltaKind.HashSet:
                string field = ReadString(ref reader);
                return new StructureDelta { Kind = kind, CountAfter = countAfter, Field = field, Value = reader.ReadBytes().ToArray() };
            case StructureDeltaKind.HashDelete:
                return new StructureDelta { Kind = kind, CountAfter = countAfter, Field = ReadString(ref reader) };
            case StructureDeltaKind.ListPush:
                bool left = ReadFlag(ref reader);
                var values = new byte[reader.ReadCount()][];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = reader.ReadBytes().ToArray();
                }

                return new StructureDelta { Kind = kind, CountAfter = countAfter, Left = left, Values = values };
            case StructureDeltaKind.ListPop:
                bool fromLeft = ReadFlag(ref reader);
                return new StructureDelta { Kind = kind, CountAfter = countAfter, Left = fromLeft, Count = ReadInt(ref reader) };
            default:
                throw new FormatException($"Malformed replication frame: unknown delta kind {(byte)kind}.");
        }
    }

    private static void WriteStructure(FrameBuffer buffer, StructureSnapshot structure)
    {
        bool hash = structure.Fields is not null;
        buffer.WriteByte(hash ? (byte)1 : (byte)0);
        buffer.WriteVarint((ulong)structure.Values.Length);
        for (int i = 0; i < structure.Values.Length; i++)
        {
            if (hash)
            {
                buffer.WriteString(structure.Fields![i]);
            }

            buffer.WriteBytes(structure.Values[i]);
        }
    }

    private static StructureSnapshot ReadStructure(ref FrameReader reader, byte[] record)
    {
        bool hash = ReadFlag(ref reader);
        var values = new byte[reader.ReadCount()][];
        string[]? fields = hash ? new string[values.Length] : null;
        for (int i = 0; i < values.Length; i++)
        {
            if (fields is not null)
            {
                fields[i] = ReadString(ref reader);
            }

            values[i] = reader.ReadBytes().ToArray();
        }

        if (record.Length == 0)
        {
            throw new FormatException("Malformed replication frame: a structure without its record.");
        }

        return new StructureSnapshot { Record = record, Fields = fields, Values = values };
    }

    private static void WriteSnapshot(FrameBuffer buffer, StoreSnapshot snapshot)
    {
        buffer.WriteSigned(snapshot.Version);
        buffer.WriteVarint((ulong)snapshot.Records.Length);
        foreach (var record in snapshot.Records)
        {
            buffer.WriteBytes(record);
        }

        buffer.WriteVarint((ulong)snapshot.Structures.Length);
        foreach (var structure in snapshot.Structures)
        {
            buffer.WriteBytes(structure.Record);
            WriteStructure(buffer, structure);
        }

        if (snapshot.Requests is not { } requests)
        {
            buffer.WriteByte(0);
            return;
        }

        buffer.WriteByte(1);
        buffer.WriteVarint((ulong)requests.Length);
        foreach (var log in requests)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.Reserve(8), log.Client);
            buffer.WriteSigned(log.CompletedBelow);
            buffer.WriteSigned(log.IdleMs);
            buffer.WriteVarint((ulong)log.Ids.Length);
            for (int i = 0; i < log.Ids.Length; i++)
            {
                buffer.WriteSigned(log.Ids[i]);
                buffer.WriteBytes(log.Answers[i]);
            }
        }
    }

    private static StoreSnapshot ReadSnapshot(ref FrameReader reader)
    {
        var snapshot = new StoreSnapshot { Version = reader.ReadSigned(), Records = new byte[reader.ReadCount()][] };
        for (int i = 0; i < snapshot.Records.Length; i++)
        {
            snapshot.Records[i] = reader.ReadBytes().ToArray();
        }

        snapshot.Structures = new StructureSnapshot[reader.ReadCount()];
        for (int i = 0; i < snapshot.Structures.Length; i++)
        {
            byte[] record = reader.ReadBytes().ToArray();
            snapshot.Structures[i] = ReadStructure(ref reader, record);
        }

        if (!ReadFlag(ref reader))
        {
            return snapshot;
        }

        var requests = new RequestLogSnapshot[reader.ReadCount()];
        for (int i = 0; i < requests.Length; i++)
        {
            var log = new RequestLogSnapshot { Client = reader.ReadUInt64(), CompletedBelow = reader.ReadSigned(), IdleMs = reader.ReadSigned() };
            int count = reader.ReadCount();
            log.Ids = new long[count];
            log.Answers = new byte[count][];
            for (int j = 0; j < count; j++)
            {
                log.Ids[j] = reader.ReadSigned();
                log.Answers[j] = reader.ReadBytes().ToArray();
            }

            requests[i] = log;
        }

        snapshot.Requests = requests;
        return snapshot;
    }

    private static int ReadInt(ref FrameReader reader)
    {
        ulong value = reader.ReadVarint();
        return value <= int.MaxValue ? (int)value : throw new FormatException("Malformed replication frame: a count or partition is out of range.");
    }

    private static bool ReadFlag(ref FrameReader reader) => reader.ReadByte() switch
    {
        0 => false,
        1 => true,
        _ => throw new FormatException("Malformed replication frame: a flag is neither 0 nor 1."),
    };

    private static string ReadString(ref FrameReader reader)
    {
        try
        {
            return StrictUtf8.GetString(reader.ReadBytes());
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException("Malformed replication frame: a field name is not UTF-8.", ex);
        }
    }
}
