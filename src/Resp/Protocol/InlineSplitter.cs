using System.Buffers;

namespace Grid.Resp.Protocol;

/// <summary>
/// Splits an inline command line into arguments as Redis does (sds.c <c>sdssplitargs</c>): blanks separate arguments;
/// <c>"..."</c> takes <c>\n \r \t \b \a \\ \" \xHH</c> escapes, <c>'...'</c> only <c>\'</c>; a closing quote must be
/// followed by a blank or the end; a NUL byte ends the line. The decoded arguments share one array per line (inline
/// commands are typed by people and tools such as telnet, not the hot path).
/// </summary>
internal static class InlineSplitter
{
    /// <summary>Adds the arguments of <paramref name="line"/> (no line break); false on unbalanced quotes.</summary>
    public static bool TrySplit(in ReadOnlySequence<byte> line, RespArguments arguments)
    {
        if (line.IsEmpty)
        {
            return true;
        }

        byte[] input = line.ToArray();
        byte[] output = new byte[input.Length];
        int p = 0;
        int o = 0;
        int added = arguments.Count;
        while (true)
        {
            while (p < input.Length && IsSpace(input[p]))
            {
                p++;
            }

            if (p >= input.Length || input[p] == 0)
            {
                return true;
            }

            int start = o;
            bool inDouble = false;
            bool inSingle = false;
            bool done = false;
            while (!done)
            {
                byte c = At(input, p);
                if (inDouble)
                {
                    if (c == '\\' && At(input, p + 1) == 'x' && IsHex(At(input, p + 2)) && IsHex(At(input, p + 3)))
                    {
                        output[o++] = (byte)((HexValue(At(input, p + 2)) << 4) | HexValue(At(input, p + 3)));
                        p += 3;
                    }
                    else if (c == '\\' && At(input, p + 1) != 0)
                    {
                        p++;
                        output[o++] = At(input, p) switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                    }
                    else if (c == '"')
                    {
                        if (At(input, p + 1) != 0 && !IsSpace(At(input, p + 1)))
                        {
                            return Fail(arguments, added);
                        }

                        done = true;
                    }
                    else if (c == 0)
                    {
                        return Fail(arguments, added);
                    }
                    else
                    {
                        output[o++] = c;
                    }
                }
                else if (inSingle)
                {
                    if (c == '\\' && At(input, p + 1) == '\'')
                    {
                        p++;
                        output[o++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        if (At(input, p + 1) != 0 && !IsSpace(At(input, p + 1)))
                        {
                            return Fail(arguments, added);
                        }

                        done = true;
                    }
                    else if (c == 0)
                    {
                        return Fail(arguments, added);
                    }
                    else
                    {
                        output[o++] = c;
                    }
                }
                else
                {
                    switch (c)
                    {
                        case (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0:
                            done = true;
                            break;
                        case (byte)'"':
                            inDouble = true;
                            break;
                        case (byte)'\'':
                            inSingle = true;
                            break;
                        default:
                            output[o++] = c;
                            break;
                    }
                }

                if (c != 0)
                {
                    p++;
                }
            }

            arguments.Add(new ReadOnlySequence<byte>(output, start, o - start));
        }
    }

    private static bool Fail(RespArguments arguments, int added)
    {
        arguments.Truncate(added);
        return false;
    }

    /// <summary>The byte at <paramref name="index"/>, or 0 past the end (the C string's terminator).</summary>
    private static byte At(byte[] input, int index) => index < input.Length ? input[index] : (byte)0;

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };
}
