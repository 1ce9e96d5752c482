namespace Grid.Grains.Hosting;

/// <summary>
/// Failure detection (section <c>Grid:Membership</c>), mapped onto Orleans' <c>ClusterMembershipOptions</c>. The
/// defaults declare a killed silo dead in about 3-5 s: every silo probes up to <see cref="NumProbedSilos"/> others
/// every <see cref="ProbeTimeout"/>; after <see cref="NumMissedProbesLimit"/> missed probes in a row it votes the silo
/// dead in the membership table, and <see cref="NumVotesForDeathDeclaration"/> fresh votes (at most half the active
/// silos, rounded up) evict it. Orleans' own defaults (5 s probes, 2 min vote expiry, 60 s table refresh) take 15-30 s.
/// </summary>
public sealed class GridMembershipOptions
{
    /// <summary>Probe period and timeout. Default 1 s (Orleans: 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row before a silo votes another dead. Default 3 (Orleans' default).</summary>
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>Silos each silo probes. Default 3.</summary>
    public int NumProbedSilos { get; set; } = 3;

    /// <summary>Votes that declare a silo dead (Orleans lowers it to half the active silos, rounded up). Default 2.</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How long a vote counts. Default 10 s (Orleans: 2 min), so stale suspicions do not add up.</summary>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each silo re-reads the membership table (gossip usually tells it sooner). Default 5 s (Orleans: 60 s).</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a silo writes its I-am-alive time to the table (a safety net besides probes). Default 10 s (Orleans: 30 s).</summary>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Orleans' connection liveness check: a silo does not vote a peer dead while its connection to that peer received
    /// any message within the last max probe timeout × missed probes (12 s by Orleans' defaults). It counts messages
    /// received before the peer stopped, so a frozen silo (SIGSTOP, a VM pause) escapes detection for that long and
    /// every caller touching it waits. Default false: a silo that stops answering probes is declared dead in about
    /// <see cref="ProbeTimeout"/> × <see cref="NumMissedProbesLimit"/>, busy cluster or not; a silo that was merely slow
    /// and is declared dead stops, and its partitions come back from their replicas.
    /// </summary>
    public bool ConnectionLivenessCheck { get; set; }

    /// <summary>Throws an <see cref="ArgumentException"/> that names the first invalid setting.</summary>
    public void Validate()
    {
        CheckRange(ProbeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), nameof(ProbeTimeout));
        CheckRange(DeathVoteExpirationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), nameof(DeathVoteExpirationTimeout));
        CheckRange(TableRefreshTimeout, TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1), nameof(TableRefreshTimeout));
        CheckRange(IAmAliveTablePublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), nameof(IAmAliveTablePublishTimeout));
        CheckCount(NumMissedProbesLimit, nameof(NumMissedProbesLimit));
        CheckCount(NumProbedSilos, nameof(NumProbedSilos));
        CheckCount(NumVotesForDeathDeclaration, nameof(NumVotesForDeathDeclaration));
        if (DeathVoteExpirationTimeout <= ProbeTimeout * NumMissedProbesLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(DeathVoteExpirationTimeout), DeathVoteExpirationTimeout, "Grid:Membership:DeathVoteExpirationTimeout must exceed ProbeTimeout × NumMissedProbesLimit, or votes expire before they can add up.");
        }
    }

    private static void CheckRange(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Grid:Membership:{name} must be between {min} and {max}.");
        }
    }

    private static void CheckCount(int value, string name)
    {
        if (value is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Grid:Membership:{name} must be between 1 and 100.");
        }
    }
}
