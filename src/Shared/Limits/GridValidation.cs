using System.Text;

namespace Grid;

/// <summary>Input checks shared by clients (which throw) and silos (which answer with an error status).</summary>
internal static class GridValidation
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>UTF-8 bytes of a key, or an <see cref="ArgumentException"/> naming what is wrong with it.</summary>
    public static byte[] EncodeKey(string? key, GridLimits limits, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length == 0)
        {
            throw new ArgumentException("A key must not be empty.", paramName);
        }

        // A UTF-8 encoding never has fewer bytes than UTF-16 chars, so this rejects huge keys before encoding them.
        if (key.Length > limits.MaxKeyBytes)
        {
            throw new ArgumentException($"The key is longer than MaxKeyBytes ({limits.MaxKeyBytes} UTF-8 bytes).", paramName);
        }

        byte[] bytes = EncodeStrict(key, paramName, "key");
        if (bytes.Length > limits.MaxKeyBytes)
        {
            throw new ArgumentException($"The key is {bytes.Length} UTF-8 bytes, longer than MaxKeyBytes ({limits.MaxKeyBytes}).", paramName);
        }

        return bytes;
    }

    /// <summary>Checks a name (hash field or tag) the way keys are checked.</summary>
    public static void CheckName(string? name, GridLimits limits, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (name.Length == 0)
        {
            throw new ArgumentException($"A {what} must not be empty.", paramName);
        }

        if (name.Length > limits.MaxKeyBytes || EncodeStrict(name, paramName, what).Length > limits.MaxKeyBytes)
        {
            throw new ArgumentException($"The {what} is longer than MaxKeyBytes ({limits.MaxKeyBytes} UTF-8 bytes).", paramName);
        }
    }

    /// <summary>Checks a value's size.</summary>
    public static void CheckValue(int length, GridLimits limits, string paramName = "value")
    {
        if (length > limits.MaxValueBytes)
        {
            throw new ArgumentException($"The value is {length} bytes, larger than MaxValueBytes ({limits.MaxValueBytes}).", paramName);
        }
    }

    /// <summary>Milliseconds of a time to live or sliding window, rounded up; throws when not positive or over the limit.</summary>
    public static long ToMilliseconds(TimeSpan span, GridLimits limits, string paramName)
    {
        if (span <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, span, "A time to live must be positive.");
        }

        if (span > limits.MaxTimeToLive)
        {
            throw new ArgumentOutOfRangeException(paramName, span, $"A time to live must be at most MaxTimeToLive ({limits.MaxTimeToLive}).");
        }

        return (span.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>The silo's own check of an incoming key; null when valid.</summary>
    public static string? KeyError(ReadOnlySpan<byte> key, GridLimits limits)
    {
        if (key.IsEmpty)
        {
            return "A key must not be empty.";
        }

        return key.Length > limits.MaxKeyBytes ? $"The key is {key.Length} UTF-8 bytes, longer than MaxKeyBytes ({limits.MaxKeyBytes})." : null;
    }

    /// <summary>The silo's own check of a time span in ms; null when valid.</summary>
    public static string? MillisecondsError(long ms, GridLimits limits, string what)
    {
        if (ms <= 0)
        {
            return $"The {what} must be positive.";
        }

        return ms > (long)limits.MaxTimeToLive.TotalMilliseconds ? $"The {what} must be at most MaxTimeToLive ({limits.MaxTimeToLive})." : null;
    }

    private static byte[] EncodeStrict(string text, string paramName, string what)
    {
        try
        {
            return StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"The {what} is not valid UTF-16 (it has an unpaired surrogate) and cannot be encoded as UTF-8.", paramName, ex);
        }
    }
}
