using System.Globalization;
using System.Text;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// One whole RESP2/RESP3 reply as the exact bytes the server sent (<see cref="Raw"/>), with its first line
/// (<see cref="Header"/>: type and length or value) and, for an array, set or map, the exact bytes of each element
/// (a map's keys and values alternate), so a comparison may ignore the order of elements where Redis promises none.
/// </summary>
internal sealed class ExactReply
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private ExactReply(byte[] raw, byte[] header, IReadOnlyList<byte[]> elements)
    {
        Raw = raw;
        Header = header;
        Elements = elements;
    }

    public byte[] Raw { get; }

    /// <summary>The first line without its CRLF, e.g. <c>:42</c>, <c>$3</c>, <c>*4</c>, <c>-ERR ...</c>.</summary>
    public byte[] Header { get; }

    /// <summary>The top-level elements of an aggregate reply; empty for any other.</summary>
    public IReadOnlyList<byte[]> Elements { get; }

    /// <summary>The integer of an integer reply (<c>:n</c>), else null.</summary>
    public long? Integer =>
        Header is [(byte)':', ..] && long.TryParse(Header.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : null;

    /// <summary>Reads the next reply from <paramref name="client"/>.</summary>
    public static async Task<ExactReply> ReadAsync(RawRespClient client)
    {
        byte[] header = await client.ReadLineBytesAsync();
        var raw = new List<byte>([.. header, .. CrLf]);
        var elements = new List<byte[]>();
        if (IsAggregate(header))
        {
            for (int i = 0; i < ElementCount(header); i++)
            {
                var element = new List<byte>();
                await ReadValueAsync(client, element);
                elements.Add([.. element]);
                raw.AddRange(element);
            }
        }
        else
        {
            await ReadBodyAsync(client, header, raw);
        }

        return new ExactReply([.. raw], header, elements);
    }

    /// <summary>Reads one value (nested aggregates included) and appends its exact bytes to <paramref name="into"/>.</summary>
    private static async Task ReadValueAsync(RawRespClient client, List<byte> into)
    {
        byte[] header = await client.ReadLineBytesAsync();
        into.AddRange(header);
        into.AddRange(CrLf);
        await ReadBodyAsync(client, header, into);
    }

    /// <summary>What follows a header: a bulk string's bytes, an aggregate's elements, nothing for a one-line reply.</summary>
    private static async Task ReadBodyAsync(RawRespClient client, byte[] header, List<byte> into)
    {
        if (IsAggregate(header))
        {
            for (int i = 0; i < ElementCount(header); i++)
            {
                await ReadValueAsync(client, into);
            }
        }
        else if (header[0] is (byte)'$' or (byte)'=' or (byte)'!')
        {
            await ReadBulkBytesAsync(client, ParseLength(header), into);
        }
    }

    /// <summary>Arrays, sets, pushes and maps.</summary>
    private static bool IsAggregate(byte[] header) => header[0] is (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%';

    /// <summary>
    /// Reads a bulk string's <paramref name="length"/> bytes and its closing CRLF, line by line: the body may hold CRLFs
    /// of its own, so it is the lines read, joined by CRLF, until they make <paramref name="length"/> bytes. (A CRLF
    /// cannot start at the body's last byte, since the byte after the body is the closing CR, so no line ends inside the
    /// closing CRLF.)
    /// </summary>
    private static async Task ReadBulkBytesAsync(RawRespClient client, int length, List<byte> into)
    {
        if (length < 0)
        {
            return;
        }

        var body = new List<byte>(await client.ReadLineBytesAsync());
        while (body.Count < length)
        {
            body.AddRange(CrLf);
            body.AddRange(await client.ReadLineBytesAsync());
        }

        if (body.Count != length)
        {
            throw new InvalidDataException($"A bulk string of {length} bytes was followed by {body.Count} bytes before its CRLF.");
        }

        into.AddRange(body);
        into.AddRange(CrLf);
    }

    private static int ParseLength(byte[] header) => int.Parse(header.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>Elements that follow an aggregate's header: a map's count is of pairs; a null array (-1) has none.</summary>
    private static int ElementCount(byte[] header)
    {
        int count = ParseLength(header);
        return count < 0 ? 0 : header[0] == (byte)'%' ? count * 2 : count;
    }

    /// <summary>Bytes as text: printable ASCII as it is, CR and LF as <c>\r</c> and <c>\n</c>, any other byte as <c>\xNN</c>.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            });
        }

        return text.ToString();
    }
}
