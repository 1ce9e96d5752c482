using Grid.Text;

namespace Grid.Grains.Storage;

/// <summary>Integers kept as text (a string value, a hash field) and 64-bit increments that refuse to overflow.</summary>
internal static class CounterArithmetic
{
    /// <summary>
    /// Parses the whole of <paramref name="text"/> as a 64-bit integer in its canonical form, as Redis INCR reads a
    /// value: "01", "+1" or "-0" are text, not counters (<see cref="RedisInteger"/>).
    /// </summary>
    public static bool TryParseInteger(ReadOnlySpan<byte> text, out long value) => RedisInteger.TryParse(text, out value);

    /// <summary><paramref name="current"/> + <paramref name="delta"/>; false when it overflows.</summary>
    public static bool TryAdd(long current, long delta, out long result)
    {
        result = unchecked(current + delta);
        // Overflow happened when both operands have the same sign and the result's sign differs.
        return ((current ^ result) & (delta ^ result)) >= 0;
    }
}
