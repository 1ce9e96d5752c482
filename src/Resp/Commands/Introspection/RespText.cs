using System.Globalization;
using System.Text;
using Grid.Resp.Protocol;

namespace Grid.Resp.Commands.Introspection;

/// <summary>Reply shapes of the introspection commands (not on any hot path): verbatim text, sets, sizes in Redis's human form.</summary>
internal static class RespText
{
    /// <summary>Text as Redis answers INFO and CLIENT INFO/LIST: a verbatim string (<c>=n txt:...</c>) in RESP3, a bulk string in RESP2.</summary>
    public static void WriteVerbatim(RespWriter writer, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (writer.Protocol == 3)
        {
            writer.WriteRaw(Encoding.ASCII.GetBytes("=" + (bytes.Length + 4).ToString(CultureInfo.InvariantCulture) + "\r\ntxt:"));
            writer.WriteRaw(bytes);
            writer.WriteRaw("\r\n"u8);
        }
        else
        {
            writer.WriteBulk(bytes);
        }
    }

    /// <summary>A set header: <c>~n</c> in RESP3, an array in RESP2.</summary>
    public static void WriteSetHeader(RespWriter writer, int count)
    {
        if (writer.Protocol == 3)
        {
            writer.WriteRaw(Encoding.ASCII.GetBytes("~" + count.ToString(CultureInfo.InvariantCulture) + "\r\n"));
        }
        else
        {
            writer.WriteArrayHeader(count);
        }
    }

    /// <summary>A set of simple strings (COMMAND's flags and categories).</summary>
    public static void WriteSimpleSet(RespWriter writer, string[] items)
    {
        WriteSetHeader(writer, items.Length);
        foreach (string item in items)
        {
            writer.WriteSimple(Encoding.ASCII.GetBytes(item));
        }
    }

    /// <summary>Bytes as Redis's <c>bytesToHuman</c> writes them: <c>512B</c>, <c>989.51K</c>, <c>11.71M</c>, <c>1.50G</c>.</summary>
    public static string Human(long bytes)
    {
        const double K = 1024;
        return bytes switch
        {
            < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + "B",
            < 1024 * 1024 => (bytes / K).ToString("F2", CultureInfo.InvariantCulture) + "K",
            < 1024L * 1024 * 1024 => (bytes / (K * K)).ToString("F2", CultureInfo.InvariantCulture) + "M",
            < 1024L * 1024 * 1024 * 1024 => (bytes / (K * K * K)).ToString("F2", CultureInfo.InvariantCulture) + "G",
            _ => (bytes / (K * K * K * K)).ToString("F2", CultureInfo.InvariantCulture) + "T",
        };
    }
}
