using Grid.Grains.Silo;
using Grid.Protocol;
using Orleans.Concurrency;

namespace Grid.Grains.NearCache;

/// <summary>The per-silo endpoint where clients subscribe their near caches to this silo's <see cref="InvalidationHub"/>.</summary>
[Reentrant]
[SiloTargetedPlacement]
internal sealed class NearCacheHubGrain(InvalidationHub hub) : Grain, INearCacheHubGrain
{
    public Task<NearCacheSubscription> Subscribe(Guid clientId, IInvalidationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return Task.FromResult(hub.Subscribe(clientId, observer));
    }

    public Task Unsubscribe(Guid clientId)
    {
        hub.Unsubscribe(clientId);
        return Task.CompletedTask;
    }

    public Task<long[]?> GetSequences(Guid clientId) => Task.FromResult(hub.SequencesOf(clientId));
}
