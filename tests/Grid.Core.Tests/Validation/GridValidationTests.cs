using System.Text;
using Grid.Tests.Shared.Options;

namespace Grid.Core.Tests.Validation;

public sealed class GridValidationTests
{
    private static readonly GridLimits Limits = new() { MaxKeyBytes = 16, MaxValueBytes = 100, MaxTimeToLive = TimeSpan.FromDays(1), MaxTagsPerEntry = 3 };

    [Fact]
    public void Key_is_encoded_as_utf8()
    {
        Assert.Equal("user:1"u8.ToArray(), GridValidation.EncodeKey("user:1", Limits));
        Assert.Equal(Encoding.UTF8.GetBytes("é😀"), GridValidation.EncodeKey("é😀", Limits));
    }

    [Fact]
    public void Null_key_throws_argument_null_naming_the_parameter()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => GridValidation.EncodeKey(null, Limits, "myKey"));
        Assert.Equal("myKey", ex.ParamName);
    }

    [Fact]
    public void Empty_key_throws() =>
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => GridValidation.EncodeKey("", Limits)).ParamName);

    [Fact]
    public void Key_at_the_byte_limit_is_accepted_and_one_more_byte_is_not()
    {
        Assert.Equal(16, GridValidation.EncodeKey(new string('k', 16), Limits).Length);
        Assert.Throws<ArgumentException>(() => GridValidation.EncodeKey(new string('k', 17), Limits));
    }

    [Fact]
    public void Key_limit_counts_utf8_bytes_not_chars()
    {
        Assert.Equal(16, GridValidation.EncodeKey(new string('é', 8), Limits).Length);
        var ex = Assert.Throws<ArgumentException>(() => GridValidation.EncodeKey(new string('é', 9), Limits)); // 9 chars, 18 bytes
        Assert.Contains("18", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_key_is_rejected()
    {
        var limits = new GridLimits();
        Assert.Throws<ArgumentException>(() => GridValidation.EncodeKey(new string('k', 10_000_000), limits));
    }

    // Built in code, not in [InlineData]: xunit serializes theory data as UTF-8 and would turn lone surrogates into U+FFFD.
    private static readonly string[] LoneSurrogates =
    [
        "a\uD800",        // lone high surrogate at the end
        "\uD800a",        // high surrogate not followed by a low one
        "a\uDC00b",       // lone low surrogate
        "\uDE00\uD83D",   // a pair in the wrong order
    ];

    [Fact]
    public void Key_with_a_lone_surrogate_throws_argument_exception()
    {
        foreach (var key in LoneSurrogates)
        {
            var ex = Assert.Throws<ArgumentException>(() => GridValidation.EncodeKey(key, Limits));
            Assert.IsType<EncoderFallbackException>(ex.InnerException);
            Assert.Equal("key", ex.ParamName);
        }
    }

    [Fact]
    public void Name_with_a_lone_surrogate_throws_argument_exception()
    {
        foreach (var name in LoneSurrogates)
        {
            var ex = Assert.Throws<ArgumentException>(() => GridValidation.CheckName(name, Limits, "hash field", "field"));
            Assert.Equal("field", ex.ParamName);
        }
    }

    [Theory]
    [InlineData("field")]
    [InlineData("é😀")]
    public void Valid_names_pass(string name) => GridValidation.CheckName(name, Limits, "hash field", "field");

    [Theory]
    [InlineData("")]
    [InlineData("seventeen-bytes!!")]
    [InlineData("éééééééé!")]
    public void Invalid_names_throw_argument_exception(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => GridValidation.CheckName(name, Limits, "tag", "tags[0]"));
        Assert.Equal("tags[0]", ex.ParamName);
    }

    [Fact]
    public void Null_name_throws_argument_null() =>
        Assert.Throws<ArgumentNullException>(() => GridValidation.CheckName(null, Limits, "tag", "tag"));

    [Fact]
    public void Value_size_is_checked_against_the_limit()
    {
        GridValidation.CheckValue(0, Limits);
        GridValidation.CheckValue(100, Limits);
        Assert.Throws<ArgumentException>(() => GridValidation.CheckValue(101, Limits));
    }

    [Fact]
    public void Time_to_live_is_rounded_up_to_whole_milliseconds()
    {
        Assert.Equal(1, GridValidation.ToMilliseconds(TimeSpan.FromTicks(1), Limits, "ttl"));
        Assert.Equal(1, GridValidation.ToMilliseconds(TimeSpan.FromMilliseconds(1), Limits, "ttl"));
        Assert.Equal(2, GridValidation.ToMilliseconds(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond + 1), Limits, "ttl"));
        Assert.Equal(86_400_000, GridValidation.ToMilliseconds(TimeSpan.FromDays(1), Limits, "ttl"));
    }

    public static TheoryData<TimeSpan> BadSpans() => new()
    {
        TimeSpan.Zero,
        TimeSpan.FromTicks(-1),
        TimeSpan.FromSeconds(-5),
        TimeSpan.MinValue,
        TimeSpan.FromDays(1) + TimeSpan.FromTicks(1),
        TimeSpan.FromDays(365_000),
        TimeSpan.MaxValue,
    };

    [Theory]
    [MemberData(nameof(BadSpans))]
    public void Non_positive_or_over_limit_time_to_live_throws_argument_out_of_range(TimeSpan span)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GridValidation.ToMilliseconds(span, Limits, "timeToLive"));
        Assert.Equal("timeToLive", ex.ParamName);
    }

    [Fact]
    public void Silo_key_check_rejects_missing_empty_and_long_keys()
    {
        Assert.NotNull(GridValidation.KeyError(null, Limits));
        Assert.NotNull(GridValidation.KeyError([], Limits));
        Assert.NotNull(GridValidation.KeyError(new byte[17], Limits));
        Assert.Null(GridValidation.KeyError(new byte[16], Limits));
        Assert.Null(GridValidation.KeyError([0xFF], Limits)); // keys are bytes on the silo
    }

    [Theory]
    [InlineData(0L, false)]
    [InlineData(-1L, false)]
    [InlineData(long.MinValue, false)]
    [InlineData(1L, true)]
    [InlineData(86_400_000L, true)]
    [InlineData(86_400_001L, false)]
    [InlineData(long.MaxValue, false)]
    public void Silo_time_check_accepts_only_positive_spans_within_the_limit(long ms, bool valid) =>
        Assert.Equal(valid, GridValidation.MillisecondsError(ms, Limits, "time to live") is null);

    [Fact]
    public void Default_limits_are_valid() => Assert.Empty(SiloOptionsFailures.Of(new GridLimits()));

    public static TheoryData<GridLimits, string> BadLimits() => new()
    {
        { new GridLimits { MaxKeyBytes = 0 }, nameof(GridLimits.MaxKeyBytes) },
        { new GridLimits { MaxKeyBytes = 65_536 }, nameof(GridLimits.MaxKeyBytes) },
        { new GridLimits { MaxValueBytes = 0 }, nameof(GridLimits.MaxValueBytes) },
        { new GridLimits { MaxValueBytes = 512 * 1024 * 1024 + 1 }, nameof(GridLimits.MaxValueBytes) },
        { new GridLimits { MaxTimeToLive = TimeSpan.Zero }, nameof(GridLimits.MaxTimeToLive) },
        { new GridLimits { MaxTimeToLive = TimeSpan.FromDays(36_501) }, nameof(GridLimits.MaxTimeToLive) },
        { new GridLimits { MaxTagsPerEntry = -1 }, nameof(GridLimits.MaxTagsPerEntry) },
        { new GridLimits { MaxTagsPerEntry = 256 }, nameof(GridLimits.MaxTagsPerEntry) },
        { new GridLimits { MaxKeysPerCall = 0 }, nameof(GridLimits.MaxKeysPerCall) },
        { new GridLimits { MaxKeysPerCall = 1_000_001 }, nameof(GridLimits.MaxKeysPerCall) },
    };

    [Theory]
    [MemberData(nameof(BadLimits))]
    public void Out_of_range_limits_are_rejected_naming_the_setting(GridLimits limits, string name) =>
        Assert.StartsWith($"Grid:Limits:{name} must be", SiloOptionsFailures.Of(limits)[0], StringComparison.Ordinal);

    [Fact]
    public void Limits_at_their_extremes_are_valid()
    {
        Assert.Empty(SiloOptionsFailures.Of(new GridLimits { MaxKeyBytes = 1, MaxValueBytes = 1, MaxTimeToLive = TimeSpan.FromTicks(1), MaxTagsPerEntry = 0, MaxKeysPerCall = 1 }));
        Assert.Empty(SiloOptionsFailures.Of(new GridLimits { MaxKeyBytes = 65_535, MaxValueBytes = 512 * 1024 * 1024, MaxTimeToLive = TimeSpan.FromDays(36_500), MaxTagsPerEntry = 255, MaxKeysPerCall = 1_000_000, MaxRequestBytes = int.MaxValue }));
    }
}
