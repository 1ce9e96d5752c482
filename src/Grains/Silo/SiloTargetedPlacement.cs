using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Grid.Grains.Silo;

/// <summary>Places a grain whose string key starts with a silo address (<c>{address}#{shard}</c>) on that silo.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("grid.SiloTargetedPlacement")]
internal sealed class SiloTargetedPlacementStrategy : PlacementStrategy
{
}

/// <summary>Marks a grain class as placed by <see cref="SiloTargetedPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class SiloTargetedPlacementAttribute() : PlacementAttribute(new SiloTargetedPlacementStrategy());

internal sealed class SiloTargetedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString() ?? "";
        int hash = key.IndexOf('#');
        string silo = hash < 0 ? key : key[..hash];
        var silos = context.GetCompatibleSilos(target);
        foreach (var candidate in silos)
        {
            if (candidate.ToParsableString() == silo)
            {
                return Task.FromResult(candidate);
            }
        }

        // The named silo is gone: serve here (or, when this silo is not active, on an active one); the batch falls back to
        // grain calls and the client re-routes.
        foreach (var candidate in silos)
        {
            if (candidate.Equals(context.LocalSilo))
            {
                return Task.FromResult(candidate);
            }
        }

        return Task.FromResult(silos.Length > 0 ? silos[(int)((uint)key.GetHashCode(StringComparison.Ordinal) % (uint)silos.Length)] : context.LocalSilo);
    }
}
