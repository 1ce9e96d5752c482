using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>
/// The partition balancer (section <c>Grid:Balancing</c>): after the cluster's membership changes and settles, each
/// silo moves the partitions it holds to the silo the rendezvous hash gives them, a few at a time, entries included.
/// </summary>
public sealed class GridBalancingOptions
{
    /// <summary>Move partitions to their rendezvous owner after membership changes. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long membership must stay unchanged before partitions move. Default 2 s.</summary>
    [SettingRange("00:00:00", "00:10:00", Rule = "must be between 0 and 10 minutes")]
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Partitions one silo moves at the same time, so traffic keeps flowing during a rebalance. Default 4.</summary>
    [SettingRange(1, 256)]
    public int MaxConcurrentMoves { get; set; } = 4;

    /// <summary>
    /// Bytes per second one silo may move (a token bucket charged with each partition's bytes before it moves), so a
    /// rebalance leaves the network to clients; 0: no limit. Default 0. Changeable at run time with
    /// <c>grid rebalance throttle</c>, as are <see cref="MaxConcurrentMoves"/> and pausing.
    /// </summary>
    [SettingRange(0L, long.MaxValue, Rule = "must be 0 (no limit) or more")]
    public long MaxBytesPerSecond { get; set; }

    /// <summary>
    /// Fraction of its memory budget above which a silo receives no new partitions (placement and the balancer skip
    /// it while another silo is below). Default 0.85.
    /// </summary>
    [SettingRange(double.Epsilon, 1.0, Rule = "must be a fraction in (0, 1]")]
    public double MemoryHighWatermark { get; set; } = 0.85;

    /// <summary>How often each silo reads the others' memory use. Default 2 s.</summary>
    [SettingRange("00:00:00.050", "00:10:00", Rule = "must be between 50 ms and 10 minutes")]
    public TimeSpan LoadRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}
