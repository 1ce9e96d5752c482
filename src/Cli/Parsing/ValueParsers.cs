using System.CommandLine.Parsing;
using System.Globalization;

namespace Grid.Cli.Parsing;

/// <summary>Custom parsers for arguments and options, so a bad value is a parse error naming the symbol.</summary>
internal static class ValueParsers
{
    /// <summary>Parses a duration (see <see cref="Durations"/>).</summary>
    public static TimeSpan Duration(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Durations.TryParse(text, out var value, out string? error))
        {
            return value;
        }

        result.AddError($"{NameOf(result)}: {error}");
        return default;
    }

    /// <summary>Parses an optional duration (see <see cref="Durations"/>).</summary>
    public static TimeSpan? OptionalDuration(ArgumentResult result) => result.Tokens.Count == 0 ? null : Duration(result);

    /// <summary>Parses a 64-bit signed integer.</summary>
    public static long Int64(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            return value;
        }

        result.AddError($"{NameOf(result)}: {NotAnInteger(text, long.MinValue, long.MaxValue, "a 64-bit integer")}");
        return default;
    }

    /// <summary>Parses an optional 32-bit signed integer.</summary>
    public static int? OptionalInt32(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        string text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        result.AddError($"{NameOf(result)}: {NotAnInteger(text, int.MinValue, int.MaxValue, "an integer")}");
        return null;
    }

    /// <summary>Parses an optional 64-bit signed integer.</summary>
    public static long? OptionalInt64(ArgumentResult result) => result.Tokens.Count == 0 ? null : Int64(result);

    /// <summary>Whether <paramref name="text"/> is a whole number (an optional sign, then only digits), however large.</summary>
    public static bool IsWholeNumber(string text)
    {
        ReadOnlySpan<char> digits = text.AsSpan();
        if (digits.Length > 0 && (digits[0] == '-' || digits[0] == '+'))
        {
            digits = digits[1..];
        }

        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>
    /// Why <paramref name="text"/> was refused: a whole number outside [<paramref name="min"/>, <paramref name="max"/>] is
    /// said to be out of range (it is a number, only too large or too small), anything else not to be <paramref name="kind"/>.
    /// </summary>
    private static string NotAnInteger(string text, long min, long max, string kind) =>
        IsWholeNumber(text)
            ? string.Create(CultureInfo.InvariantCulture, $"'{text}' is out of range ({min} to {max})")
            : $"'{text}' is not {kind}";

    private static string NameOf(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
