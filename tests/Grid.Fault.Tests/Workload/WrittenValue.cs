using System.Globalization;
using System.Text;

namespace Grid.Fault.Tests.Workload;

/// <summary>
/// The values writers store, in ASCII: a key's value <c>w{writer}:k{key}:s{seq}</c>, a list element
/// <c>w{writer}:p{push}</c>. Reading one back tells whose it is and which write it came from.
/// </summary>
internal static class WrittenValue
{
    public static byte[] ForKey(int writer, int key, long seq) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"w{writer}:k{key}:s{seq}"));

    public static byte[] ForPush(int writer, long push) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"w{writer}:p{push}"));

    /// <summary>The seq of a key's value: 0 for a missing key, null when it is not a value written to that key.</summary>
    public static long? SeqOf(byte[]? value, int writer, int key)
    {
        if (value is null)
        {
            return 0;
        }

        var parts = Encoding.ASCII.GetString(value).Split(':');
        return parts.Length == 3
            && parts[0] == "w" + writer.ToString(CultureInfo.InvariantCulture)
            && parts[1] == "k" + key.ToString(CultureInfo.InvariantCulture)
            && parts[2].StartsWith('s')
            && long.TryParse(parts[2].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
            && seq > 0
                ? seq
                : null;
    }

    /// <summary>The push number of a list element of <paramref name="writer"/>, or null when it is not one.</summary>
    public static long? PushOf(byte[] element, int writer)
    {
        var parts = Encoding.ASCII.GetString(element).Split(':');
        return parts.Length == 2
            && parts[0] == "w" + writer.ToString(CultureInfo.InvariantCulture)
            && parts[1].StartsWith('p')
            && long.TryParse(parts[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long push)
            && push > 0
                ? push
                : null;
    }
}
