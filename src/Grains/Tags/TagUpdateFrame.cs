using Grid.Protocol.Wire;

namespace Grid.Grains.Tags;

/// <summary>
/// Index updates as a silo's tag pump sends them to one index shard, applied in order.
/// <code>
/// frame  := version(1) count(varint) update*
/// update := kind(u8: 1 add, 2 remove) tag(bytes) key(bytes)
/// </code>
/// </summary>
internal static class TagUpdateFrame
{
    public const byte Version = 1;
    public const byte Add = 1;
    public const byte Remove = 2;

    /// <summary>Appends one update (without the frame header) to <paramref name="body"/>.</summary>
    public static void Write(FrameBuffer body, byte kind, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> key)
    {
        body.WriteByte(kind);
        body.WriteBytes(tag);
        body.WriteBytes(key);
    }

    /// <summary>A frame of <paramref name="count"/> updates written by <see cref="Write"/>.</summary>
    public static byte[] Build(int count, ReadOnlySpan<byte> body)
    {
        using var frame = new FrameBuffer(body.Length + 8);
        frame.WriteByte(Version);
        frame.WriteVarint((ulong)count);
        frame.WriteRaw(body);
        return frame.ToArray();
    }

    /// <summary>Reads a frame's updates; a malformed frame throws <see cref="FormatException"/>.</summary>
    public ref struct Reader
    {
        private FrameReader _reader;
        private int _remaining;

        public Reader(ReadOnlySpan<byte> frame)
        {
            _reader = new FrameReader(frame);
            byte version = _reader.ReadByte();
            if (version != Version)
            {
                throw new FormatException($"Unsupported tag update frame version {version}; this silo reads version {Version}.");
            }

            _remaining = _reader.ReadCount();
        }

        public bool TryRead(out byte kind, out ReadOnlySpan<byte> tag, out ReadOnlySpan<byte> key)
        {
            if (_remaining == 0)
            {
                kind = 0;
                tag = key = default;
                return false;
            }

            _remaining--;
            kind = _reader.ReadByte();
            tag = _reader.ReadBytes();
            key = _reader.ReadBytes();
            if (kind is not (Add or Remove))
            {
                throw new FormatException($"Unknown tag update kind {kind}.");
            }

            return true;
        }
    }
}
