using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Grid.Cli.Parsing;

/// <summary>
/// Parses durations: a number with a unit (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>; decimals allowed),
/// a bare number of seconds, or TimeSpan text (<c>00:00:30</c>, <c>1.02:00:00</c>). Durations must be positive.
/// </summary>
internal static class Durations
{
    /// <summary>What a valid duration looks like, for error messages.</summary>
    public const string Hint = "use e.g. 500ms, 30s, 5m, 2h, 1d, a number of seconds, or 00:00:30";

    private static readonly (string Suffix, long TicksPerUnit)[] Units =
    [
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
        ("d", TimeSpan.TicksPerDay),
    ];

    /// <summary>The longest duration in whole days (<see cref="TimeSpan.MaxValue"/> is a little more), as error messages name it.</summary>
    private static readonly TimeSpan MaxWhole = TimeSpan.FromDays(Math.Floor(TimeSpan.MaxValue.TotalDays));

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        string trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = $"an empty duration is not valid; {Hint}";
            return false;
        }

        // "-5s" and "-00:00:05" are durations, only not ones a TTL can be: say that, not that they are malformed.
        if (trimmed.StartsWith('-') && (TryParse(trimmed[1..], out _, out string? rest) || rest.EndsWith("must be positive", StringComparison.Ordinal)))
        {
            error = $"'{text}': a duration must be positive";
            return false;
        }

        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            if (!TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value))
            {
                error = $"'{text}' is not a duration; {Hint}";
                return false;
            }
        }
        else if (!TryParseWithUnit(trimmed, out value, out bool tooLong))
        {
            error = tooLong
                ? $"'{text}' is too long for a duration (at most {Format(MaxWhole)})"
                : $"'{text}' is not a duration; {Hint}";
            return false;
        }

        if (value <= TimeSpan.Zero)
        {
            error = $"'{text}': a duration must be positive";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Formats a duration the way <see cref="TryParse"/> reads it back (shortest exact unit).</summary>
    public static string Format(TimeSpan value)
    {
        for (int i = Units.Length - 1; i >= 0; i--)
        {
            if (value.Ticks % Units[i].TicksPerUnit == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{value.Ticks / Units[i].TicksPerUnit}{Units[i].Suffix}");
            }
        }

        return value.ToString("c", CultureInfo.InvariantCulture);
    }

    private static bool TryParseWithUnit(string text, out TimeSpan value, out bool tooLong)
    {
        value = default;
        tooLong = false;
        long ticksPerUnit = TimeSpan.TicksPerSecond;
        string number = text;
        foreach (var (suffix, ticks) in Units)
        {
            // "ms" is tried before "m" and "s", so "500ms" is milliseconds.
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                ticksPerUnit = ticks;
                number = text[..^suffix.Length];
                break;
            }
        }

        if (number.Length == 0 || !char.IsAsciiDigit(number[0]) && number[0] != '.')
        {
            return false;
        }

        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount))
        {
            // Digits beyond decimal's range (about 7.9e28) are a number, only far too long.
            tooLong = !number.AsSpan().ContainsAnyExcept("0123456789.") && number.Count(c => c == '.') <= 1;
            return false;
        }

        if (amount > (decimal)TimeSpan.MaxValue.Ticks / ticksPerUnit)
        {
            tooLong = true;
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Ceiling(amount * ticksPerUnit));
        return true;
    }
}
