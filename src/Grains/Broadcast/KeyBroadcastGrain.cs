using Grid.Grains.Silo;
using Grid.Protocol;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Grid.Grains.Broadcast;

/// <summary>The per-silo endpoint where subscribers (the RESP endpoints' BCAST tracking) join this silo's <see cref="KeyBroadcastHub"/>.</summary>
[Reentrant]
[SiloTargetedPlacement]
internal sealed class KeyBroadcastGrain(KeyBroadcastHub hub, ILocalSiloDetails silo) : Grain, IKeyBroadcastGrain
{
    public Task<long> Subscribe(Guid subscriberId, IInvalidationObserver observer, byte[][] prefixes)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(prefixes);
        EnsureOnNamedSilo();
        return Task.FromResult(hub.Subscribe(subscriberId, observer, prefixes));
    }

    public Task Unsubscribe(Guid subscriberId)
    {
        EnsureOnNamedSilo();
        hub.Unsubscribe(subscriberId);
        return Task.CompletedTask;
    }

    /// <summary>An activation away from the silo its key names would subscribe to another silo's changes: it refuses and leaves.</summary>
    private void EnsureOnNamedSilo()
    {
        if (!NamedSilo.Hosts(silo.SiloAddress, this.GetPrimaryKeyString()))
        {
            DeactivateOnIdle();
            throw new InvalidOperationException($"The key broadcast {this.GetPrimaryKeyString()} is not (yet) on the silo it names; subscribe again.");
        }
    }
}
