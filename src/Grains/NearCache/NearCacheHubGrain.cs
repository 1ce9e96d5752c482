using Grid.Grains.Silo;
using Grid.Protocol;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Grid.Grains.NearCache;

/// <summary>The per-silo endpoint where clients subscribe their near caches to this silo's <see cref="InvalidationHub"/>.</summary>
[Reentrant]
[SiloTargetedPlacement]
internal sealed class NearCacheHubGrain(InvalidationHub hub, Cluster.SiloPauseGuard pauseGuard, ILocalSiloDetails silo) : Grain, INearCacheHubGrain
{
    // Where an activation runs is fixed for its life: decided once, not on every renewal.
    private bool _onNamedSilo;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _onNamedSilo = NamedSilo.Hosts(silo.SiloAddress, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task<NearCacheSubscription> Subscribe(Guid clientId, IInvalidationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        EnsureOnNamedSilo();
        if (!pauseGuard.IsServing)
        {
            // A client must not renew its near-cache lease with a silo that may have been declared dead while frozen.
            throw new GridUnavailableException("This silo was frozen and has not yet confirmed it is still a member of the cluster.");
        }

        return Task.FromResult(hub.Subscribe(clientId, observer));
    }

    public Task Unsubscribe(Guid clientId)
    {
        EnsureOnNamedSilo();
        hub.Unsubscribe(clientId);
        return Task.CompletedTask;
    }

    public Task<long[]?> GetSequences(Guid clientId)
    {
        EnsureOnNamedSilo();
        return Task.FromResult(hub.SequencesOf(clientId));
    }

    /// <summary>
    /// An activation placed away from the silo its key names (just joined and not yet known where the call landed, or
    /// gone) would hand out this silo's slots and sequences as the named silo's: the client's reads there would be
    /// tracked for another client. It refuses (the client retries at its next renewal) and leaves.
    /// </summary>
    private void EnsureOnNamedSilo()
    {
        if (!_onNamedSilo)
        {
            DeactivateOnIdle();

            // A system exception type: Orleans carries it to the client as it is.
            throw new InvalidOperationException($"The near-cache hub {this.GetPrimaryKeyString()} is not (yet) on the silo it names; subscribe again.");
        }
    }
}
