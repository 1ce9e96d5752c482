namespace Grid.Client;

/// <summary>The client's local near cache (L1) in front of the grid (section <c>GridClient:NearCache</c>).</summary>
public sealed class NearCacheOptions
{
    /// <summary>Whether reads go through the near cache. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether a value this client writes with <c>SetAsync</c> is kept in its near cache (the silo then tracks the key for
    /// this client, as after a read), so reading back one's own writes costs no round trip. Not for sliding entries,
    /// conditional writes that did not apply, or multi-key writes. Default true.
    /// </summary>
    public bool KeepWrittenValues { get; set; } = true;

    /// <summary>Most entries kept. Default 10,000.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Most value bytes kept. Default 64 MiB.</summary>
    public long MaxBytes { get; set; } = 64L << 20;

    /// <summary>How long a value stays in the near cache unless a read says otherwise; never longer than the grid entry lives. Default 5 minutes.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The last safety net: a near-cache entry is never served longer than this after it was read from the grid, even if
    /// an invalidation was lost without a trace. Default 30 seconds.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Which values read from the grid are kept (<c>GridClient:NearCache:Admission</c>): by default
    /// <see cref="NearCacheAdmission.ReRead"/>, every value while there is room and, once the near cache is nearly full,
    /// only values of keys read lately before; <see cref="NearCacheAdmission.All"/> keeps every tracked value.
    /// </summary>
    public NearCacheAdmission Admission { get; set; } = NearCacheAdmission.ReRead;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxEntries is < 1 or > 100_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries, "GridClient:NearCache:MaxEntries must be between 1 and 100000000.");
        }

        if (MaxBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, "GridClient:NearCache:MaxBytes must be at least 1024.");
        }

        Positive(TimeToLive, nameof(TimeToLive));
        Positive(MaxStaleness, nameof(MaxStaleness));
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"GridClient:NearCache:{name} must be positive and at most one day.");
        }
    }
}
