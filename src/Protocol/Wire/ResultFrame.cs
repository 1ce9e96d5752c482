using System.Text;

namespace Grid.Protocol.Wire;

/// <summary>
/// The response frame: the results of a batch, in the order of its operations.
/// <code>
/// frame  := version(1) count(varint) result*
/// result := status(u8) sections(u8) [number(zigzag)] [value(bytes)] [values: count bytes*] [fields: count string*] [error(string)]
///           [tracking: version(varint) ttl(zigzag) sequence(varint)] [entryVersion(varint)]
/// (section bit 128, hot key, has no bytes of its own)
/// </code>
/// </summary>
internal static class ResultFrame
{
    public const byte Version = 2;

    private const byte HasNumber = 1;
    private const byte HasValue = 2;
    private const byte HasValues = 4;
    private const byte HasFields = 8;
    private const byte HasError = 16;
    private const byte HasTracking = 32;
    private const byte HasEntryVersion = 64;
    private const byte IsHotKey = 128;

    public static void WriteHeader(FrameBuffer buffer, int count)
    {
        buffer.WriteByte(Version);
        buffer.WriteVarint((ulong)count);
    }

    public static void Write(FrameBuffer buffer, in GridResult result)
    {
        byte sections = (byte)((result.Number != 0 ? HasNumber : 0)
            | (result.Value is not null ? HasValue : 0)
            | (result.Values is not null ? HasValues : 0)
            | (result.Fields is not null ? HasFields : 0)
            | (result.Error is not null ? HasError : 0)
            | (result.Tracked ? HasTracking : 0)
            | (result.HasEntryVersion ? HasEntryVersion : 0)
            | (result.HotKey ? IsHotKey : 0));
        buffer.WriteByte((byte)result.Status);
        buffer.WriteByte(sections);
        if (result.Number != 0)
        {
            buffer.WriteSigned(result.Number);
        }

        if (result.Value is { } value)
        {
            buffer.WriteBytes(value);
        }

        if (result.Values is { } values)
        {
            buffer.WriteVarint((ulong)values.Length);
            foreach (var item in values)
            {
                buffer.WriteBytes(item);
            }
        }

        if (result.Fields is { } fields)
        {
            buffer.WriteVarint((ulong)fields.Length);
            foreach (var field in fields)
            {
                buffer.WriteString(field);
            }
        }

        if (result.Error is { } error)
        {
            buffer.WriteString(error);
        }

        if (result.Tracked)
        {
            WriteTracking(buffer, result.Version, result.TimeToLiveMs, result.Sequence);
        }

        if (result.HasEntryVersion)
        {
            buffer.WriteVarint((ulong)result.EntryVersion);
        }
    }

    private static void WriteTracking(FrameBuffer buffer, long version, long timeToLiveMs, long sequence)
    {
        buffer.WriteVarint((ulong)version);
        buffer.WriteSigned(timeToLiveMs);
        buffer.WriteVarint((ulong)sequence);
    }

    /// <summary>A successful read of one value, written straight from where it is stored (marked <paramref name="hot"/>: see <see cref="GridResult.HotKey"/>).</summary>
    public static void WriteValue(FrameBuffer buffer, ReadOnlySpan<byte> value, bool hot = false)
    {
        buffer.WriteByte((byte)ResultStatus.Ok);
        buffer.WriteByte(hot ? (byte)(HasValue | IsHotKey) : HasValue);
        buffer.WriteBytes(value);
    }

    /// <summary>A successful tracked read: the value and what the client's near cache needs to keep it coherent.</summary>
    public static void WriteTrackedValue(FrameBuffer buffer, ReadOnlySpan<byte> value, long version, long timeToLiveMs, long sequence)
    {
        buffer.WriteByte((byte)ResultStatus.Ok);
        buffer.WriteByte(HasValue | HasTracking);
        buffer.WriteBytes(value);
        WriteTracking(buffer, version, timeToLiveMs, sequence);
    }

    public static GridResult[] Decode(ReadOnlySpan<byte> frame)
    {
        var reader = new FrameReader(frame);
        int count = ReadHeader(ref reader);
        var results = new GridResult[count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = Read(ref reader);
        }

        return results;
    }

    public static int ReadHeader(ref FrameReader reader)
    {
        byte version = reader.ReadByte();
        if (version != Version)
        {
            throw new FormatException($"Unsupported result frame version {version}; this client reads version {Version}.");
        }

        return reader.ReadCount();
    }

    public static GridResult Read(ref FrameReader reader)
    {
        var status = (ResultStatus)reader.ReadByte();
        byte sections = reader.ReadByte();
        long number = (sections & HasNumber) != 0 ? reader.ReadSigned() : 0;
        byte[]? value = (sections & HasValue) != 0 ? FrameBuffer.CopyOf(reader.ReadBytes()) : null;
        byte[][]? values = null;
        if ((sections & HasValues) != 0)
        {
            values = new byte[reader.ReadCount()][];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = FrameBuffer.CopyOf(reader.ReadBytes());
            }
        }

        string[]? fields = null;
        if ((sections & HasFields) != 0)
        {
            fields = new string[reader.ReadCount()];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = Encoding.UTF8.GetString(reader.ReadBytes());
            }
        }

        string? error = (sections & HasError) != 0 ? Encoding.UTF8.GetString(reader.ReadBytes()) : null;
        if ((sections & (HasTracking | HasEntryVersion)) == 0)
        {
            return new GridResult { Status = status, Number = number, Value = value, Values = values, Fields = fields, Error = error, HotKey = (sections & IsHotKey) != 0 };
        }

        bool tracked = (sections & HasTracking) != 0;
        long version = tracked ? (long)reader.ReadVarint() : 0;
        long timeToLive = tracked ? reader.ReadSigned() : 0;
        long sequence = tracked ? (long)reader.ReadVarint() : 0;
        bool hasEntryVersion = (sections & HasEntryVersion) != 0;
        return new GridResult
        {
            Status = status, Number = number, Value = value, Values = values, Fields = fields, Error = error,
            Tracked = tracked, Version = version, TimeToLiveMs = timeToLive, Sequence = sequence,
            HasEntryVersion = hasEntryVersion, EntryVersion = hasEntryVersion ? (long)reader.ReadVarint() : 0,
            HotKey = (sections & IsHotKey) != 0,
        };
    }

    /// <summary>Skips one result, returning its byte range (to copy it into another frame as is).</summary>
    public static (int Start, int End) Skip(ref FrameReader reader)
    {
        int start = reader.Position;
        reader.ReadByte();
        byte sections = reader.ReadByte();
        if ((sections & HasNumber) != 0)
        {
            reader.ReadVarint();
        }

        if ((sections & HasValue) != 0)
        {
            reader.ReadBytes();
        }

        if ((sections & HasValues) != 0)
        {
            int count = reader.ReadCount();
            for (int i = 0; i < count; i++)
            {
                reader.ReadBytes();
            }
        }

        if ((sections & HasFields) != 0)
        {
            int count = reader.ReadCount();
            for (int i = 0; i < count; i++)
            {
                reader.ReadBytes();
            }
        }

        if ((sections & HasError) != 0)
        {
            reader.ReadBytes();
        }

        if ((sections & HasTracking) != 0)
        {
            reader.ReadVarint();
            reader.ReadVarint();
            reader.ReadVarint();
        }

        if ((sections & HasEntryVersion) != 0)
        {
            reader.ReadVarint();
        }

        return (start, reader.Position);
    }
}
