namespace Grid.Protocol.Wire;

/// <summary>
/// The request frame: every operation of a batch in one byte array, so a batch costs Orleans one array to copy
/// instead of an object graph per operation.
/// <code>
/// frame := version(3) count(varint) trackingSlot+1(varint; 0 = the client keeps no near cache on this silo)
///          client(u64 LE; 0 = none) completedBelow(varint) op*
/// op    := code(u8) flags(u8) sections(u8) key(bytes)
///          [arg0(zigzag)] [arg1(zigzag)] [value(bytes)] [field(bytes)] [values: count(varint) bytes*] [tags(bytes)]
///          [requestId(varint)] [expectedVersion(varint), with flag IfVersion]
/// bytes := length(varint) data
/// </code>
/// </summary>
internal static class OpFrame
{
    public const byte Version = 4;

    public static byte[] Encode(ReadOnlySpan<GridOp> ops, int trackingSlot = -1, RequestOrigin origin = default)
    {
        using var buffer = new FrameBuffer(64 + ops.Length * 48);
        WriteHeader(buffer, ops.Length, trackingSlot, origin);
        foreach (var op in ops)
        {
            Write(buffer, op);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The frame header: version, op count, the near-cache tracking slot the silo gave this client (-1 none), and who
    /// sends the ops' request ids (<paramref name="origin"/>; none for frames without request ids).
    /// </summary>
    public static void WriteHeader(FrameBuffer buffer, int count, int trackingSlot, RequestOrigin origin = default)
    {
        buffer.WriteByte(Version);
        buffer.WriteVarint((ulong)count);
        buffer.WriteVarint((ulong)(trackingSlot + 1));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer.Reserve(8), origin.Client);
        buffer.WriteVarint((ulong)origin.CompletedBelow);
    }

    public static void Write(FrameBuffer buffer, GridOp op)
    {
        var sections = OpSections.None;
        if (op.Arg0 != 0)
        {
            sections |= OpSections.Arg0;
        }

        if (op.Arg1 != 0)
        {
            sections |= OpSections.Arg1;
        }

        if (op.Value is not null)
        {
            sections |= OpSections.Value;
        }

        if (op.Field is not null)
        {
            sections |= OpSections.Field;
        }

        if (op.Values is not null)
        {
            sections |= OpSections.Values;
        }

        if (op.Tags is { Length: > 0 })
        {
            sections |= OpSections.Tags;
        }

        if (op.RequestId != 0)
        {
            sections |= OpSections.RequestId;
        }

        if ((op.Flags & OpFlags.IfVersion) != 0)
        {
            sections |= OpSections.ExpectedVersion;
        }

        buffer.WriteByte((byte)op.Code);
        buffer.WriteByte((byte)op.Flags);
        buffer.WriteByte((byte)sections);
        buffer.WriteBytes(op.Key);
        if ((sections & OpSections.Arg0) != 0)
        {
            buffer.WriteSigned(op.Arg0);
        }

        if ((sections & OpSections.Arg1) != 0)
        {
            buffer.WriteSigned(op.Arg1);
        }

        if (op.Value is { } value)
        {
            buffer.WriteBytes(value);
        }

        if (op.Field is { } field)
        {
            buffer.WriteString(field);
        }

        if (op.Values is { } values)
        {
            buffer.WriteVarint((ulong)values.Length);
            foreach (var item in values)
            {
                buffer.WriteBytes(item);
            }
        }

        if (op.Tags is { Length: > 0 } tags)
        {
            int size = TagBlock.Size(tags);
            buffer.WriteVarint((ulong)size);
            TagBlock.Write(tags, buffer.Reserve(size));
        }

        if (op.RequestId != 0)
        {
            buffer.WriteVarint((ulong)op.RequestId);
        }

        if ((sections & OpSections.ExpectedVersion) != 0)
        {
            buffer.WriteVarint((ulong)op.ExpectedVersion);
        }
    }
}

/// <summary>Reads the operations of a request frame one by one; a malformed frame throws <see cref="FormatException"/>.</summary>
internal ref struct OpFrameReader
{
    private FrameReader _reader;
    private int _remaining;

    public OpFrameReader(ReadOnlySpan<byte> frame)
    {
        _reader = new FrameReader(frame);
        byte version = _reader.ReadByte();
        if (version != OpFrame.Version)
        {
            throw new FormatException($"Unsupported request frame version {version}; this silo reads version {OpFrame.Version}.");
        }

        Count = _reader.ReadCount();
        TrackingSlot = (int)Math.Min(_reader.ReadVarint(), 1024) - 1;
        ulong client = _reader.ReadUInt64();
        ulong completedBelow = _reader.ReadVarint();
        if (completedBelow > long.MaxValue)
        {
            throw new FormatException("The request frame's completed-below request number is out of range.");
        }

        Origin = new RequestOrigin(client, (long)completedBelow);
        _remaining = Count;
    }

    /// <summary>The client whose request ids the ops carry, and how far its requests are all completed.</summary>
    public RequestOrigin Origin { get; }

    /// <summary>Operations in the frame.</summary>
    public int Count { get; }

    /// <summary>The near-cache tracking slot of the sending client on this silo, or -1.</summary>
    public int TrackingSlot { get; }

    /// <summary>The next operation and where its bytes are in the frame (to forward it elsewhere).</summary>
    public bool TryRead(out OpView op, out int start, out int end)
    {
        if (_remaining == 0)
        {
            op = default;
            start = end = _reader.Position;
            return false;
        }

        _remaining--;
        start = _reader.Position;
        var code = (OpCode)_reader.ReadByte();
        var flags = (OpFlags)_reader.ReadByte();
        var sections = (OpSections)_reader.ReadByte();
        var key = _reader.ReadBytes();
        long arg0 = (sections & OpSections.Arg0) != 0 ? _reader.ReadSigned() : 0;
        long arg1 = (sections & OpSections.Arg1) != 0 ? _reader.ReadSigned() : 0;
        var value = (sections & OpSections.Value) != 0 ? _reader.ReadBytes() : default;
        var field = (sections & OpSections.Field) != 0 ? _reader.ReadBytes() : default;
        int valueCount = 0;
        ReadOnlySpan<byte> valuesSection = default;
        if ((sections & OpSections.Values) != 0)
        {
            valueCount = _reader.ReadCount();
            int valuesStart = _reader.Position;
            for (int i = 0; i < valueCount; i++)
            {
                _reader.ReadBytes();
            }

            valuesSection = _reader.Slice(valuesStart, _reader.Position);
        }

        var tags = (sections & OpSections.Tags) != 0 ? _reader.ReadBytes() : default;
        ulong requestId = (sections & OpSections.RequestId) != 0 ? _reader.ReadVarint() : 0;
        if (requestId > long.MaxValue)
        {
            throw new FormatException("An operation's request id is out of range.");
        }

        ulong expectedVersion = (sections & OpSections.ExpectedVersion) != 0 ? _reader.ReadVarint() : 0;
        if (expectedVersion > long.MaxValue || ((flags & OpFlags.IfVersion) != 0) != ((sections & OpSections.ExpectedVersion) != 0))
        {
            throw new FormatException("An operation's expected version is out of range or does not match its IfVersion flag.");
        }

        end = _reader.Position;
        op = new OpView
        {
            Code = code,
            Flags = flags,
            Key = key,
            Arg0 = arg0,
            Arg1 = arg1,
            HasValue = (sections & OpSections.Value) != 0,
            Value = value,
            HasField = (sections & OpSections.Field) != 0,
            Field = field,
            ValueCount = valueCount,
            ValuesSection = valuesSection,
            Tags = tags,
            RequestId = (long)requestId,
            ExpectedVersion = (long)expectedVersion,
        };
        return true;
    }
}
