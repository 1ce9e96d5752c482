using System.Buffers;
using System.Text;
using Grid.Resp.Protocol;

namespace Grid.Resp.Commands;

/// <summary>One command's arguments (slices of the connection's input; index 0 is the command's name).</summary>
internal readonly struct RespCall(RespArguments arguments, RespCommandRange range)
{
    /// <summary>Number of arguments, the name included.</summary>
    public int Count => range.Count;

    /// <summary>The argument at <paramref name="index"/>.</summary>
    public ref readonly ReadOnlySequence<byte> this[int index] => ref arguments[range.Start + index];

    /// <summary>A copy of the argument (keys and values the grid keeps).</summary>
    public byte[] Bytes(int index) => this[index].ToArray();

    /// <summary>The argument as text (UTF-8; invalid bytes become U+FFFD).</summary>
    public string Text(int index) => Encoding.UTF8.GetString(this[index]);

    /// <summary>
    /// The argument quoted in an error, as Redis quotes it (<c>%s</c>, <c>%.128s</c>): its bytes as they are, up to a NUL,
    /// at most <paramref name="maxBytes"/> (see <see cref="ClientText"/>).
    /// </summary>
    public string Quote(int index, int maxBytes = int.MaxValue) => ClientText.Quote(this[index], maxBytes);

    /// <summary>Whether the argument is <paramref name="lowercase"/>, ignoring ASCII case (options such as <c>EX</c>, <c>NX</c>).</summary>
    public bool Is(int index, ReadOnlySpan<byte> lowercase)
    {
        ref readonly var value = ref this[index];
        if (value.Length != lowercase.Length)
        {
            return false;
        }

        Span<byte> copy = stackalloc byte[lowercase.Length];
        value.CopyTo(copy);
        return Ascii.EqualsIgnoreCase(copy, lowercase);
    }

    /// <summary>The argument as a 64-bit integer, as Redis reads one.</summary>
    public bool TryInt64(int index, out long value) => RespInteger.TryParse(this[index], out value);
}
