using Grid.Cli.Parsing;

namespace Grid.Cli.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("30", 30_000)]
    [InlineData("1.5", 1_500)]
    [InlineData("1.5m", 90_000)]
    [InlineData("10S", 10_000)]
    [InlineData("00:00:30", 30_000)]
    [InlineData("1.02:00:00", 93_600_000)]
    [InlineData(" 30s ", 30_000)]
    public void Valid_durations_parse(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value, out string? error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("abc")]
    [InlineData("3x")]
    [InlineData("+5s")]
    [InlineData("5 s")]
    [InlineData("1e3s")]
    [InlineData("1,5s")]
    [InlineData("25:99:99")]
    [InlineData("1.2.3s")]
    public void Malformed_durations_are_refused_with_a_hint(string text)
    {
        Assert.False(Durations.TryParse(text, out _, out string? error));
        Assert.Contains("500ms", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999999999d")]
    [InlineData("10675200d")]
    [InlineData("99999999999999999999999999999d")]
    [InlineData("999999999999999999999999999999999")]
    public void Durations_past_the_longest_are_called_too_long_not_malformed(string text)
    {
        Assert.False(Durations.TryParse(text, out _, out string? error));
        Assert.Equal($"'{text}' is too long for a duration (at most 10675199d)", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0ms")]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    [InlineData("-5s")]
    [InlineData("-1")]
    [InlineData("-0.5m")]
    public void Zero_and_negative_durations_are_called_not_positive(string text)
    {
        Assert.False(Durations.TryParse(text, out _, out string? error));
        Assert.Equal($"'{text}': a duration must be positive", error);
    }

    [Fact]
    public void Fractions_of_a_tick_round_up_so_a_duration_never_parses_as_zero()
    {
        Assert.True(Durations.TryParse("0.00001ms", out var value, out _));
        Assert.Equal(TimeSpan.FromTicks(1), value);
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(30_000, "30s")]
    [InlineData(300_000, "5m")]
    [InlineData(86_400_000, "1d")]
    [InlineData(1_500, "1500ms")]
    public void Format_writes_the_largest_exact_unit(long milliseconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
