using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Grid.Protocol.Wire;

/// <summary>A growable frame being written, in a pooled buffer; <see cref="ToArray"/> gives the exact bytes.</summary>
internal sealed class FrameBuffer : IDisposable
{
    private byte[] _buffer;
    private int _position;

    public FrameBuffer(int initialCapacity = 256) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(16, initialCapacity));

    public int Position => _position;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (_position == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_position++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVarint(ulong value)
    {
        if (_buffer.Length - _position < 10)
        {
            Grow(10);
        }

        while (value >= 0x80)
        {
            _buffer[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_position++] = (byte)value;
    }

    public void WriteSigned(long value) => WriteVarint(Varint.ZigZag(value));

    /// <summary>A length-prefixed byte string.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarint((ulong)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>Bytes without a length prefix.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _position < bytes.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    /// <summary>A length-prefixed UTF-8 string.</summary>
    public void WriteString(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        WriteVarint((ulong)length);
        if (_buffer.Length - _position < length)
        {
            Grow(length);
        }

        _position += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_position));
    }

    /// <summary>Reserves <paramref name="length"/> bytes to fill in later.</summary>
    public Span<byte> Reserve(int length)
    {
        if (_buffer.Length - _position < length)
        {
            Grow(length);
        }

        var span = _buffer.AsSpan(_position, length);
        _position += length;
        return span;
    }

    /// <summary>The written bytes in an array of their own (not zeroed first: every byte of it is copied over).</summary>
    public byte[] ToArray() => CopyOf(Written);

    /// <summary>
    /// A copy of <paramref name="bytes"/> in a new array that is not zeroed before the copy fills it (the runtime skips
    /// that only for arrays of 2 KiB or more): a 4 KiB value read or answered costs one pass over its bytes, not two.
    /// </summary>
    public static byte[] CopyOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return [];
        }

        var copy = GC.AllocateUninitializedArray<byte>(bytes.Length);
        bytes.CopyTo(copy);
        return copy;
    }

    public void Reset() => _position = 0;

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _position = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int needed)
    {
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + needed));
        _buffer.AsSpan(0, _position).CopyTo(grown);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = grown;
    }
}
