using Grid.Partitioning;
using Orleans.Runtime;

namespace Grid.Grains.Invalidation;

/// <summary>The active silos as this silo's membership view sees them, and which of them holds each partition.</summary>
public static class ClusterSilos
{
    /// <summary>Active silos, ordered by address text (the order clients use).</summary>
    public static SiloAddress[] Active(IClusterMembershipService membership)
    {
        var silos = new List<SiloAddress>();
        foreach (var (address, member) in membership.CurrentSnapshot.Members)
        {
            if (member.Status == SiloStatus.Active)
            {
                silos.Add(address);
            }
        }

        silos.Sort((a, b) => string.CompareOrdinal(a.ToParsableString(), b.ToParsableString()));
        return [.. silos];
    }

    /// <summary>
    /// For each partition, the silo the rendezvous hash places it on (where it normally lives); a partition that is
    /// elsewhere is still reached, since a silo's batch entry forwards what it does not hold.
    /// </summary>
    public static SiloAddress[] OwnersByPartition(SiloAddress[] silos, int partitionCount)
    {
        var seeds = new ulong[silos.Length];
        for (int i = 0; i < seeds.Length; i++)
        {
            seeds[i] = PartitionOwnership.SiloSeed(silos[i].ToParsableString());
        }

        var owners = new SiloAddress[partitionCount];
        for (int p = 0; p < owners.Length; p++)
        {
            owners[p] = silos[PartitionOwnership.Owner(seeds, p)];
        }

        return owners;
    }

    /// <summary>The key of a per-silo grain placed on <paramref name="silo"/> by <c>SiloTargetedPlacement</c>.</summary>
    public static string GrainKey(SiloAddress silo, int shard = 0) => $"{silo.ToParsableString()}#{shard}";
}
