namespace Grid.Client;

/// <summary>How one read uses the near cache.</summary>
public sealed record GridReadOptions
{
    /// <summary>Read from the grid, neither using nor filling the near cache.</summary>
    public static GridReadOptions SkipNearCache { get; } = new() { BypassNearCache = true };

    /// <summary>Read from the grid (not the near cache) and do not keep the value.</summary>
    public bool BypassNearCache { get; init; }

    /// <summary>How long the near cache keeps the value read (still never longer than the grid entry lives, nor than <see cref="NearCacheOptions.MaxStaleness"/>).</summary>
    public TimeSpan? NearCacheTimeToLive { get; init; }

    /// <summary>This read's deadline instead of <see cref="GridClientOptions.OperationTimeout"/> (positive).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Options keeping the value in the near cache for <paramref name="timeToLive"/>.</summary>
    public static GridReadOptions WithNearCacheTimeToLive(TimeSpan timeToLive) => new() { NearCacheTimeToLive = timeToLive };
}
