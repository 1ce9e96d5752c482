using Grid.Partitioning;

namespace Grid.Client.Routing;

/// <summary>
/// An immutable snapshot: the silos, and for each partition the channel of the silo believed to hold it; with the
/// silos' rendezvous seeds, where a partition's replica is believed to be (<see cref="ReplicaFor"/>).
/// </summary>
internal sealed class RoutingTable(SiloChannel[] silos, SiloChannel[] byPartition, ulong[]? seeds = null)
{
    public static RoutingTable Empty { get; } = new([], []);

    public SiloChannel[] Silos { get; } = silos;

    public SiloChannel[] ByPartition { get; } = byPartition;

    /// <summary>The silos' rendezvous seeds (<see cref="PartitionOwnership.SiloSeed"/>), parallel to <see cref="Silos"/>.</summary>
    public ulong[] Seeds { get; } = seeds ?? [];

    /// <summary>
    /// The channel of the silo that holds <paramref name="partition"/>'s replica as the silos place it (the highest
    /// ranked silo other than the partition's), or null with fewer than two silos. A belief, like
    /// <see cref="ByPartition"/>: a silo without the replica sends the read on to the partition.
    /// </summary>
    public SiloChannel? ReplicaFor(int partition)
    {
        if (Seeds.Length != Silos.Length || Silos.Length < 2 || ByPartition.Length == 0)
        {
            return null;
        }

        var primary = ByPartition[partition];
        SiloChannel? best = null;
        ulong bestWeight = 0;
        for (int i = 0; i < Silos.Length; i++)
        {
            ulong weight = PartitionOwnership.Weight(Seeds[i], partition);
            if (!ReferenceEquals(Silos[i], primary) && (best is null || weight > bestWeight))
            {
                best = Silos[i];
                bestWeight = weight;
            }
        }

        return best;
    }
}
