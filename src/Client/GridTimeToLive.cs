namespace Grid.Client;

/// <summary>The remaining life of a key.</summary>
/// <param name="Exists">Whether the key exists.</param>
/// <param name="Remaining">Time until it expires; null when it exists without expiry (or does not exist).</param>
public readonly record struct GridTimeToLive(bool Exists, TimeSpan? Remaining)
{
    /// <summary>The key does not exist.</summary>
    public static GridTimeToLive Missing => new(false, null);

    /// <summary>The key exists and never expires.</summary>
    public static GridTimeToLive NoExpiry => new(true, null);
}
