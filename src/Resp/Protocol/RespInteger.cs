using System.Buffers;
using Grid.Text;

namespace Grid.Resp.Protocol;

/// <summary>
/// Integers as Redis reads them (util.c <c>string2ll</c>): an optional '-', then digits with no leading zero (except
/// "0" itself), nothing else, within 64 bits. "+1", " 1", "01", "" and "-0" are not integers.
/// </summary>
internal static class RespInteger
{
    /// <summary>Parses <paramref name="text"/>; false when it is not an integer as Redis means it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long value) => RedisInteger.TryParse(text, out value);

    /// <summary>Parses an argument (copied to the stack when it spans segments).</summary>
    public static bool TryParse(in ReadOnlySequence<byte> text, out long value)
    {
        if (text.IsSingleSegment)
        {
            return TryParse(text.FirstSpan, out value);
        }

        if (text.Length > 20)
        {
            value = 0;
            return false;
        }

        Span<byte> copy = stackalloc byte[(int)text.Length];
        text.CopyTo(copy);
        return TryParse(copy, out value);
    }
}
