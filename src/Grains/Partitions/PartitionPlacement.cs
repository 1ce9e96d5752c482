using Grid.Grains.Balancing;
using Grid.Partitioning;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Grid.Grains.Partitions;

/// <summary>
/// Places partition <c>p</c> on the silo that wins the rendezvous hash for <c>p</c>, the same function clients route by,
/// unless the request carries a placement hint (an explicit migration names its target silo that way). Memory-aware:
/// silos above their memory high watermark are passed over for the next silo in rendezvous order (clients learn
/// where the partition went from the silos' answers); when every silo is above it, the owner takes it.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("grid.PartitionPlacement")]
internal sealed class PartitionPlacementStrategy : PlacementStrategy
{
}

/// <summary>Marks a grain class as placed by <see cref="PartitionPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class PartitionPlacementAttribute() : PlacementAttribute(new PartitionPlacementStrategy());

internal sealed class PartitionPlacementDirector(SiloLoadTable loads) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hinted)
        {
            return Task.FromResult(hinted);
        }

        int partition = (int)target.GrainIdentity.GetIntegerKey();
        Span<ulong> seeds = silos.Length <= 64 ? stackalloc ulong[silos.Length] : new ulong[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            seeds[i] = PartitionOwnership.SiloSeed(silos[i].ToParsableString());
        }

        int chosen = loads.BestWithRoom(seeds, silos, partition);
        return Task.FromResult(chosen < 0 ? context.LocalSilo : silos[chosen]);
    }
}
