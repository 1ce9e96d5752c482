using Grid.Hosting;

namespace Grid.Client;

/// <summary>The client's local near cache (L1) in front of the grid (section <c>GridClient:NearCache</c>).</summary>
public sealed class NearCacheOptions
{
    /// <summary>Whether reads go through the near cache. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether a value this client writes with <c>SetAsync</c> is kept in its near cache (the silo then tracks the key for
    /// this client, as after a read), so reading back one's own writes costs no round trip. Admitted like a read's value
    /// (<see cref="Admission"/>: once the near cache is nearly full, only keys read or written lately before). Not for
    /// sliding entries, conditional writes that did not apply, or multi-key writes. Default true.
    /// </summary>
    public bool KeepWrittenValues { get; set; } = true;

    /// <summary>Most entries kept. Default 10,000.</summary>
    [SettingRange(1, 100_000_000)]
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Most value bytes kept. Default 64 MiB.</summary>
    [SettingRange(1024, long.MaxValue, Rule = "must be at least 1024")]
    public long MaxBytes { get; set; } = 64L << 20;

    /// <summary>How long a value stays in the near cache unless a read says otherwise; never longer than the grid entry lives. Default 5 minutes.</summary>
    [SettingRange("00:00:00.0000001", "1.00:00:00", Rule = "must be positive and at most one day")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The last safety net: a near-cache entry is never served longer than this after it was read from the grid, even if
    /// an invalidation was lost without a trace. Default 30 seconds.
    /// </summary>
    [SettingRange("00:00:00.0000001", "1.00:00:00", Rule = "must be positive and at most one day")]
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Which values read from the grid are kept (<c>GridClient:NearCache:Admission</c>): by default
    /// <see cref="NearCacheAdmission.ReRead"/>, every value while there is room and, once the near cache is nearly full,
    /// only values of keys read lately before; <see cref="NearCacheAdmission.All"/> keeps every tracked value.
    /// </summary>
    public NearCacheAdmission Admission { get; set; } = NearCacheAdmission.ReRead;

    /// <summary>
    /// Keep keys the silos mark hot even when <see cref="NearCacheAdmission.ReRead"/> would not
    /// (<c>GridClient:NearCache:FollowHotKeyHints</c>): a silo marks its top read keys (above its
    /// <c>Grid:HotKeys:HintReadsPerSecond</c>) in the answers to untracked reads, and the next read of such a key is
    /// tracked and kept. Helps keys many clients read but each only now and then. Default true.
    /// </summary>
    public bool FollowHotKeyHints { get; set; } = true;

    /// <summary>
    /// The hit ratio below which a full near cache is bypassed (<c>GridClient:NearCache:MinHitRatio</c>): when the near
    /// cache is nearly full and, over a window of 16,384 lookups (or 5 seconds, if it holds 1,024), fewer than this fraction of them hit, reads go to the
    /// grid untracked, as with the near cache off, except one in 16 and reads of keys a silo marked hot; those go on
    /// measuring the hit ratio, and the near cache is consulted again once it reaches this. A working set many times
    /// larger than the near cache otherwise costs every read a lookup that misses (and some a tracked read) for a few
    /// hits. Default 0.15 (measured on 2 cores: with 1,000,000 keys read uniformly through a 100,000-entry near cache, about
    /// 10 % of reads hit and the near cache cost more than it saved); 0 never bypasses.
    /// </summary>
    [SettingRange(0.0, 1.0)]
    public double MinHitRatio { get; set; } = 0.15;
}
