namespace Grid.Text;

/// <summary>
/// Integers as Redis reads them (util.c <c>string2ll</c>), from arguments and from stored values alike: an optional '-',
/// then digits with no leading zero (except "0" itself), nothing else, within 64 bits. "+1", " 1", "01", "" and "-0"
/// are not integers. Compiled into the silo's store and its Redis protocol endpoint (a linked source file).
/// </summary>
internal static class RedisInteger
{
    /// <summary>Parses <paramref name="text"/>; false when it is not an integer as Redis means it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20)
        {
            return false;
        }

        if (text.Length == 1 && text[0] == (byte)'0')
        {
            return true;
        }

        bool negative = text[0] == (byte)'-';
        int i = negative ? 1 : 0;
        if (i == text.Length || text[i] is < (byte)'1' or > (byte)'9')
        {
            return false;
        }

        ulong magnitude = 0;
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9 || magnitude > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }

            magnitude = magnitude * 10 + digit;
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = (long)(0 - magnitude);
            return true;
        }

        if (magnitude > long.MaxValue)
        {
            return false;
        }

        value = (long)magnitude;
        return true;
    }
}
