using Orleans.Runtime;

namespace Grid.Grains.Tags;

/// <summary>
/// Whether any silo left the cluster between two membership snapshots: a tag index shard asks before an invalidation,
/// to know whether a silo may have died holding index updates it had not delivered.
/// <para>
/// Compares every member, not only the silos that were active in the earlier snapshot: a silo that joined after the
/// shard looked, took partitions, recorded index updates for writes it acknowledged and died before delivering them
/// was never in the earlier list of active silos, and a shard comparing active lists alone missed its departure (and
/// every entry only its pump knew of). Orleans keeps dead silos in the membership table (until their entries are cleaned
/// up, days later), so such a silo shows up here as dead; one whose entry is gone counts if it was not gone before.
/// </para>
/// </summary>
internal static class SiloDepartures
{
    /// <summary>True when some silo has left (shutting down, stopping, dead, or no longer listed) in <paramref name="now"/> that had not in <paramref name="before"/>.</summary>
    public static bool AnyLeftSince(ClusterMembershipSnapshot before, ClusterMembershipSnapshot now) =>
        AnyLeftSince(before.Members, now.Members);

    /// <inheritdoc cref="AnyLeftSince(ClusterMembershipSnapshot, ClusterMembershipSnapshot)"/>
    public static bool AnyLeftSince(IReadOnlyDictionary<SiloAddress, ClusterMember> before, IReadOnlyDictionary<SiloAddress, ClusterMember> now)
    {
        foreach (var (silo, member) in now)
        {
            if (HasLeft(member.Status) && !(before.TryGetValue(silo, out var earlier) && HasLeft(earlier.Status)))
            {
                return true;
            }
        }

        foreach (var (silo, member) in before)
        {
            if (!HasLeft(member.Status) && !now.ContainsKey(silo))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasLeft(SiloStatus status) => status is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead;
}
