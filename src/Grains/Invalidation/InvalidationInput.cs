using System.Text;

namespace Grid.Grains.Invalidation;

/// <summary>The silo's own checks of invalidation input: an <see cref="ArgumentException"/> naming the problem, nothing changed.</summary>
internal static class InvalidationInput
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>UTF-8 of a tag or pattern: not empty, valid UTF-16, at most MaxKeyBytes.</summary>
    public static byte[] Encode(string? text, GridLimits limits, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(text, paramName);
        if (text.Length == 0)
        {
            throw new ArgumentException($"A {what} must not be empty.", paramName);
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"The {what} is not valid UTF-16 (it has an unpaired surrogate) and cannot be encoded as UTF-8.", paramName, ex);
        }

        if (bytes.Length > limits.MaxKeyBytes)
        {
            throw new ArgumentException($"The {what} is {bytes.Length} UTF-8 bytes, longer than MaxKeyBytes ({limits.MaxKeyBytes}).", paramName);
        }

        return bytes;
    }

    /// <summary>UTF-8 of keys to keep in place, checked as keys are.</summary>
    public static byte[][]? EncodeKeys(string[]? keys, GridLimits limits)
    {
        if (keys is not { Length: > 0 })
        {
            return null;
        }

        if (keys.Length > limits.MaxKeysPerCall)
        {
            throw new ArgumentException($"A call may carry at most {limits.MaxKeysPerCall} keys (MaxKeysPerCall); this one keeps {keys.Length}.", nameof(keys));
        }

        var encoded = new byte[keys.Length][];
        for (int i = 0; i < keys.Length; i++)
        {
            encoded[i] = GridValidation.EncodeKey(keys[i], limits, $"keep[{i}]");
        }

        return encoded;
    }
}
