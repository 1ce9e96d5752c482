using System.Buffers.Text;

namespace Grid.Grains.Storage;

/// <summary>Integers kept as text (a string value, a hash field) and 64-bit increments that refuse to overflow.</summary>
internal static class CounterArithmetic
{
    /// <summary>Parses the whole of <paramref name="text"/> as a 64-bit integer (as Redis INCR reads a value).</summary>
    public static bool TryParseInteger(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length && text.Length > 0;

    /// <summary><paramref name="current"/> + <paramref name="delta"/>; false when it overflows.</summary>
    public static bool TryAdd(long current, long delta, out long result)
    {
        result = unchecked(current + delta);
        // Overflow happened when both operands have the same sign and the result's sign differs.
        return ((current ^ result) & (delta ^ result)) >= 0;
    }
}
