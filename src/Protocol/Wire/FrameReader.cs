using System.Runtime.CompilerServices;

namespace Grid.Protocol.Wire;

/// <summary>Reads a frame; a truncated or malformed frame throws <see cref="FormatException"/>.</summary>
internal ref struct FrameReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly int Position => _position;

    public readonly bool End => _position >= _buffer.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte()
    {
        if ((uint)_position >= (uint)_buffer.Length)
        {
            throw Truncated();
        }

        return _buffer[_position++];
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("Malformed frame: a variable-length integer is too long.");
    }

    public long ReadSigned() => Varint.UnZigZag(ReadVarint());

    /// <summary>A fixed 8-byte little-endian integer.</summary>
    public ulong ReadUInt64()
    {
        if (_buffer.Length - _position < 8)
        {
            throw Truncated();
        }

        ulong value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_buffer[_position..]);
        _position += 8;
        return value;
    }

    /// <summary>A length, checked against what is left of the frame.</summary>
    public int ReadLength()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            throw Truncated();
        }

        return (int)length;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        int length = ReadLength();
        var bytes = _buffer.Slice(_position, length);
        _position += length;
        return bytes;
    }

    /// <summary>A count of following items, each at least one byte long.</summary>
    public int ReadCount() => ReadLength();

    public readonly ReadOnlySpan<byte> Slice(int start, int end) => _buffer[start..end];

    private static FormatException Truncated() => new("Malformed frame: it ends in the middle of a field.");
}
