using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Grid.Hosting;

/// <summary>
/// A setting's allowed range, checked by the generated options validators. Unlike <see cref="RangeAttribute"/>, its
/// failure is one line that names the setting by its configuration path and shows the value:
/// <c>GridClient:MaxBatchSize must be between 1 and 65536 (it is 0).</c> A null value (an optional setting left unset)
/// is valid. Durations are given as <see cref="TimeSpan"/> strings (<c>"00:00:01"</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SettingRangeAttribute : ValidationAttribute
{
    private readonly IComparable _minimum;
    private readonly IComparable _maximum;

    /// <summary>An integer range (also checks <see cref="long"/> settings).</summary>
    public SettingRangeAttribute(int minimum, int maximum)
        : this((long)minimum, (long)maximum)
    {
    }

    /// <summary>A <see cref="long"/> range.</summary>
    public SettingRangeAttribute(long minimum, long maximum)
    {
        _minimum = minimum;
        _maximum = maximum;
    }

    /// <summary>A <see cref="double"/> range.</summary>
    public SettingRangeAttribute(double minimum, double maximum)
    {
        _minimum = minimum;
        _maximum = maximum;
    }

    /// <summary>A <see cref="TimeSpan"/> range, each bound in the invariant <c>[d.]hh:mm:ss[.fffffff]</c> form.</summary>
    public SettingRangeAttribute(string minimum, string maximum)
    {
        _minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        _maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
    }

    /// <summary>What the setting must be, in words, when "must be between min and max" would not say it well ("must be a TCP port (1-65535)").</summary>
    public string? Rule { get; set; }

    /// <inheritdoc />
    public override bool RequiresValidationContext => true;

    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is null || InRange(value))
        {
            return ValidationResult.Success;
        }

        // No member names: the options result builder would put "Member: " before a message that names it already.
        string rule = Rule ?? string.Create(CultureInfo.InvariantCulture, $"must be between {_minimum} and {_maximum}");
        return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"{SettingPath.Of(validationContext)} {rule} (it is {value})."));
    }

    private bool InRange(object value) => value switch
    {
        int number => Compare((long)number),
        long number => Compare(number),
        double number => !double.IsNaN(number) && Compare(_minimum is double ? number : (long)number),
        TimeSpan duration => Compare(duration),
        _ => throw new InvalidOperationException($"[SettingRange] does not check values of type {value.GetType().Name}."),
    };

    private bool Compare(IComparable value) => value.CompareTo(_minimum) >= 0 && value.CompareTo(_maximum) <= 0;
}
