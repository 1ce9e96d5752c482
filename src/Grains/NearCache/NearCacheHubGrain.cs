using Grid.Grains.Silo;
using Grid.Protocol;
using Orleans.Concurrency;

namespace Grid.Grains.NearCache;

/// <summary>The per-silo endpoint where clients subscribe their near caches to this silo's <see cref="InvalidationHub"/>.</summary>
[Reentrant]
[SiloTargetedPlacement]
internal sealed class NearCacheHubGrain(InvalidationHub hub, Cluster.SiloPauseGuard pauseGuard) : Grain, INearCacheHubGrain
{
    public Task<NearCacheSubscription> Subscribe(Guid clientId, IInvalidationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (!pauseGuard.IsServing)
        {
            // A client must not renew its near-cache lease with a silo that may have been declared dead while frozen.
            throw new GridUnavailableException("This silo was frozen and has not yet confirmed it is still a member of the cluster.");
        }

        return Task.FromResult(hub.Subscribe(clientId, observer));
    }

    public Task Unsubscribe(Guid clientId)
    {
        hub.Unsubscribe(clientId);
        return Task.CompletedTask;
    }

    public Task<long[]?> GetSequences(Guid clientId) => Task.FromResult(hub.SequencesOf(clientId));
}
