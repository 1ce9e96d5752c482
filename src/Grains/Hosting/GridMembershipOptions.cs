using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>
/// Failure detection (section <c>Grid:Membership</c>), mapped onto Orleans' <c>ClusterMembershipOptions</c>. The
/// defaults declare a killed silo dead in about 3-5 s: every silo probes up to <see cref="NumProbedSilos"/> others
/// every <see cref="ProbeTimeout"/>; after <see cref="NumMissedProbesLimit"/> missed probes in a row it votes the silo
/// dead in the membership table, and <see cref="NumVotesForDeathDeclaration"/> fresh votes (at most half the active
/// silos, rounded up) evict it. Orleans' own defaults (5 s probes, 2 min vote expiry, 60 s table refresh) take 15-30 s.
/// </summary>
public sealed class GridMembershipOptions : IValidatableObject
{
    /// <summary>Probe period and timeout. Default 1 s (Orleans: 5 s).</summary>
    [SettingRange("00:00:00.100", "00:05:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row before a silo votes another dead. Default 3 (Orleans' default).</summary>
    [SettingRange(1, 100)]
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>Silos each silo probes. Default 3.</summary>
    [SettingRange(1, 100)]
    public int NumProbedSilos { get; set; } = 3;

    /// <summary>Votes that declare a silo dead (Orleans lowers it to half the active silos, rounded up). Default 2.</summary>
    [SettingRange(1, 100)]
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How long a vote counts. Default 10 s (Orleans: 2 min), so stale suspicions do not add up.</summary>
    [SettingRange("00:00:01", "01:00:00")]
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each silo re-reads the membership table (gossip usually tells it sooner). Default 5 s (Orleans: 60 s).</summary>
    [SettingRange("00:00:00.500", "01:00:00")]
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a silo writes its I-am-alive time to the table (a safety net besides probes). Default 10 s (Orleans: 30 s).</summary>
    [SettingRange("00:00:01", "01:00:00")]
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

    /// <summary>Failure detection: how long a silo that stops answering probes takes to be suspected.</summary>
    internal TimeSpan Detection => ProbeTimeout * NumMissedProbesLimit;

    /// <summary>Cross-field rule: votes must outlive the probes that cast them.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (DeathVoteExpirationTimeout <= Detection)
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture,
                $"{SettingPath.Of(validationContext, nameof(DeathVoteExpirationTimeout))} must exceed ProbeTimeout × NumMissedProbesLimit ({Detection}), or votes expire before they can add up (it is {DeathVoteExpirationTimeout})."));
        }
    }
}
