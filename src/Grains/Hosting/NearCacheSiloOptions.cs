namespace Grid.Grains.Hosting;

/// <summary>Silo side of client near caches (section <c>Grid:NearCache</c>).</summary>
public sealed class NearCacheSiloOptions
{
    /// <summary>Keys the silo tracks for clients' near caches at most; reads beyond it are served but not cacheable. Default 1,000,000.</summary>
    public long MaxTrackedKeys { get; set; } = 1_000_000;

    /// <summary>How long a client's subscription lasts without renewal (clients renew every third of it). Default 60 s.</summary>
    public TimeSpan SubscriptionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxTrackedKeys is < 0 or > 1_000_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTrackedKeys), MaxTrackedKeys, "Grid:NearCache:MaxTrackedKeys must be between 0 and 1000000000.");
        }

        if (SubscriptionTimeout < TimeSpan.FromSeconds(3) || SubscriptionTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(SubscriptionTimeout), SubscriptionTimeout, "Grid:NearCache:SubscriptionTimeout must be between 3 seconds and 1 hour.");
        }
    }
}
