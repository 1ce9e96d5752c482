using System.Buffers;
using System.Text;

namespace Grid.Resp.Protocol;

/// <summary>
/// Text that quotes what a client sent, byte for byte. Redis formats such errors with C strings (<c>%s</c>): the bytes go
/// back as they came (not re-encoded) and stop at a NUL. A .NET string cannot hold bytes that are not UTF-8, so each such
/// byte is kept as a lone low surrogate U+DC80..U+DCFF (Python's "surrogateescape"), which never occurs in text of
/// the grid's own; <see cref="RespWriter.WriteError"/> writes it back as the byte.
/// </summary>
internal static class ClientText
{
    private const char EscapeBase = '\uDC00';
    private const char FirstEscape = '\uDC80';
    private const char LastEscape = '\uDCFF';

    /// <summary>At most <paramref name="maxBytes"/> bytes of <paramref name="argument"/>, up to its first NUL, as text.</summary>
    public static string Quote(in ReadOnlySequence<byte> argument, int maxBytes = int.MaxValue)
    {
        int length = (int)Math.Min(argument.Length, maxBytes);
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            var bytes = rented.AsSpan(0, length);
            argument.Slice(0, length).CopyTo(bytes);
            int nul = bytes.IndexOf((byte)0);
            return Decode(nul >= 0 ? bytes[..nul] : bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Whether <paramref name="text"/> holds escaped bytes (and so needs <see cref="Encode"/>).</summary>
    public static bool HasEscapes(string text) => text.AsSpan().IndexOfAnyInRange(FirstEscape, LastEscape) >= 0;

    /// <summary>The bytes <see cref="Encode"/> writes for <paramref name="text"/>.</summary>
    public static int GetByteCount(string text)
    {
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            var rune = NextRune(text, ref i, out _, out bool escaped);
            count += escaped ? 1 : rune.Utf8SequenceLength;
        }

        return count;
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8, escaped bytes as themselves; returns the bytes written.</summary>
    public static int Encode(string text, Span<byte> destination)
    {
        int written = 0;
        for (int i = 0; i < text.Length; i++)
        {
            var rune = NextRune(text, ref i, out byte raw, out bool escaped);
            if (escaped)
            {
                destination[written++] = raw;
            }
            else
            {
                written += rune.EncodeToUtf8(destination[written..]);
            }
        }

        return written;
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int consumed) == OperationStatus.Done)
            {
                text.Append(rune.ToString());
                bytes = bytes[consumed..];
            }
            else
            {
                text.Append((char)(EscapeBase + bytes[0]));
                bytes = bytes[1..];
            }
        }

        return text.ToString();
    }

    /// <summary>The character (or surrogate pair) at <paramref name="i"/>, moving <paramref name="i"/> past a pair.</summary>
    private static Rune NextRune(string text, ref int i, out byte raw, out bool escaped)
    {
        char c = text[i];
        raw = 0;
        escaped = false;
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            return new Rune(c, text[++i]);
        }

        if (c is >= FirstEscape and <= LastEscape)
        {
            raw = (byte)(c - EscapeBase);
            escaped = true;
            return default;
        }

        return Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar;
    }
}
