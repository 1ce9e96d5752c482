namespace Grid.Client;

/// <summary>The result of a typed read that tells a missing key from a stored default value.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Found">Whether the key was found.</param>
/// <param name="Value">The value when found; default otherwise.</param>
public readonly record struct GridLookup<T>(bool Found, T? Value)
{
    /// <summary>Nothing found.</summary>
    public static GridLookup<T> Missing => default;
}
