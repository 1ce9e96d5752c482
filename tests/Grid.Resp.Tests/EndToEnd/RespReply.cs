using System.Globalization;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// Reads RESP2/RESP3 reply text (as <see cref="RawRespClient"/> returns it) into values: a string for simple, bulk and
/// verbatim strings and errors (errors keep their leading <c>-</c>), a long for integers, null for nulls, and a list for
/// arrays, sets and maps (a map's keys and values alternate).
/// </summary>
internal static class RespReply
{
    public static List<object?> ParseAll(string text)
    {
        var values = new List<object?>();
        int at = 0;
        while (at < text.Length)
        {
            values.Add(Parse(text, ref at));
        }

        return values;
    }

    public static object? Parse(string text)
    {
        int at = 0;
        return Parse(text, ref at);
    }

    private static object? Parse(string text, ref int at)
    {
        int end = text.IndexOf("\r\n", at, StringComparison.Ordinal);
        string line = text[at..end];
        at = end + 2;
        char type = line[0];
        string rest = line[1..];
        switch (type)
        {
            case '+':
                return rest;
            case '-':
                return line;
            case ':':
                return long.Parse(rest, CultureInfo.InvariantCulture);
            case '_':
                return null;
            case '$' or '=':
                int length = int.Parse(rest, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                // Lengths are in bytes; the tests' texts are ASCII.
                string value = text.Substring(at, length);
                at += length + 2;
                return type == '=' ? value[4..] : value;
            default:
                int count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                if (type == '%')
                {
                    count *= 2;
                }

                var items = new List<object?>(count);
                for (int i = 0; i < count; i++)
                {
                    items.Add(Parse(text, ref at));
                }

                return items;
        }
    }
}
