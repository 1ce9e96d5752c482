using System.Buffers;
using System.Buffers.Text;

namespace Grid.Resp.Protocol;

/// <summary>
/// Writes replies in the connection's protocol (RESP2 until <c>HELLO 3</c>, RESP3 after) straight into the output
/// pipe's buffer: no intermediate strings or arrays. Nulls, maps and booleans take each protocol's form.
/// </summary>
internal sealed class RespWriter(IBufferWriter<byte> output)
{
    /// <summary>The protocol version in force: 2 or 3.</summary>
    public int Protocol { get; set; } = 2;

    /// <summary>Bytes written since the last <see cref="ResetCount"/> (the output-buffer bound).</summary>
    public long Written { get; private set; }

    /// <summary>Starts counting again (after the replies were flushed).</summary>
    public void ResetCount() => Written = 0;

    /// <summary>Bytes as they are (a reply encoded beforehand).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        Written += bytes.Length;
    }

    /// <summary><c>+OK</c>.</summary>
    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    /// <summary>A simple string (<c>+text</c>); the text must hold no line break.</summary>
    public void WriteSimple(ReadOnlySpan<byte> text)
    {
        var span = output.GetSpan(text.Length + 3);
        span[0] = (byte)'+';
        text.CopyTo(span[1..]);
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        Advance(text.Length + 3);
    }

    /// <summary>An error (<c>-text</c>; the text starts with its code, e.g. <c>ERR</c>); line breaks become spaces, as Redis does.</summary>
    public void WriteError(string text)
    {
        // Text that quotes a client's bytes (ClientText) goes back byte for byte, as Redis's does.
        bool quotesBytes = ClientText.HasEscapes(text);
        int length = quotesBytes ? ClientText.GetByteCount(text) : System.Text.Encoding.UTF8.GetByteCount(text);
        var span = output.GetSpan(length + 3);
        span[0] = (byte)'-';
        if (quotesBytes)
        {
            ClientText.Encode(text, span[1..]);
        }
        else
        {
            System.Text.Encoding.UTF8.GetBytes(text, span[1..]);
        }

        for (int i = 1; i <= length; i++)
        {
            if (span[i] is (byte)'\r' or (byte)'\n')
            {
                span[i] = (byte)' ';
            }
        }

        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        Advance(length + 3);
    }

    /// <summary>An integer (<c>:n</c>).</summary>
    public void WriteInteger(long value) => WritePrefixed((byte)':', value);

    /// <summary>A bulk string.</summary>
    public void WriteBulk(ReadOnlySpan<byte> value)
    {
        WritePrefixed((byte)'$', value.Length);
        var span = output.GetSpan(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        Advance(value.Length + 2);
    }

    /// <summary>A bulk string from the input (an argument echoed back).</summary>
    public void WriteBulk(in ReadOnlySequence<byte> value)
    {
        if (value.IsSingleSegment)
        {
            WriteBulk(value.FirstSpan);
            return;
        }

        WritePrefixed((byte)'$', value.Length);
        foreach (var segment in value)
        {
            WriteRaw(segment.Span);
        }

        WriteRaw("\r\n"u8);
    }

    /// <summary>A bulk string of UTF-8 text.</summary>
    public void WriteBulk(string text) => WriteBulk(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The null bulk string: <c>$-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNull() => WriteRaw(Protocol == 3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>The null array: <c>*-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNullArray() => WriteRaw(Protocol == 3 ? "_\r\n"u8 : "*-1\r\n"u8);

    /// <summary>An array header (<c>*n</c>); the elements follow.</summary>
    public void WriteArrayHeader(long count) => WritePrefixed((byte)'*', count);

    /// <summary>A map header: <c>%n</c> in RESP3, an array of 2n in RESP2; the keys and values follow, alternating.</summary>
    public void WriteMapHeader(long pairs)
    {
        if (Protocol == 3)
        {
            WritePrefixed((byte)'%', pairs);
        }
        else
        {
            WritePrefixed((byte)'*', pairs * 2);
        }
    }

    private void WritePrefixed(byte prefix, long value)
    {
        var span = output.GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out int digits);
        span[digits + 1] = (byte)'\r';
        span[digits + 2] = (byte)'\n';
        Advance(digits + 3);
    }

    private void Advance(int count)
    {
        output.Advance(count);
        Written += count;
    }
}
