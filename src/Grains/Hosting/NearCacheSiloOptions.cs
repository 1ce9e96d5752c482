namespace Grid.Grains.Hosting;

/// <summary>Silo side of client near caches (section <c>Grid:NearCache</c>).</summary>
public sealed class NearCacheSiloOptions
{
    /// <summary>Keys the silo tracks for clients' near caches at most; reads beyond it are served but not cacheable. Default 1,000,000.</summary>
    public long MaxTrackedKeys { get; set; } = 1_000_000;

    /// <summary>How long a client's subscription lasts without renewal before its slot is freed. Default 10 s.</summary>
    public TimeSpan SubscriptionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a client may serve values it read from this silo after its last renewal (which it sends every third of
    /// this): a client that cannot reach the silo (it died, froze, or the network failed) stops serving them within it.
    /// Must be shorter than failure detection can declare a silo dead (<c>Membership:ProbeTimeout</c> ×
    /// <c>NumMissedProbesLimit</c>), so no client still serves a dead silo's values once other silos take its partitions
    /// and acknowledge new writes. Default 1.5 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>When writes to keys clients hold are acknowledged; see <see cref="NearCacheCoherence"/>. Default <see cref="NearCacheCoherence.Eventual"/>.</summary>
    public NearCacheCoherence Coherence { get; set; } = NearCacheCoherence.Eventual;

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

        if (LeaseDuration < TimeSpan.FromMilliseconds(300) || LeaseDuration > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, "Grid:NearCache:LeaseDuration must be between 300 ms and 1 minute.");
        }

        if (!Enum.IsDefined(Coherence))
        {
            throw new ArgumentOutOfRangeException(nameof(Coherence), Coherence, "Grid:NearCache:Coherence must be Eventual or Strict.");
        }
    }
}
