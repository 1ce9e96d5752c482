using Orleans.Concurrency;

namespace Grid.Protocol;

/// <summary>A client's near cache, as silos see it: where they push invalidations of keys the client holds.</summary>
[Alias("grid.IInvalidationObserver")]
public interface IInvalidationObserver : IGrainObserver
{
    /// <summary>Keys (and partitions) the client must drop.</summary>
    [OneWay, Alias("OnInvalidated")]
    Task OnInvalidated(InvalidationBatch batch);

    /// <summary>
    /// The same, answered once the client applied the batch: silos in strict coherence acknowledge a write only after
    /// every client that held the key confirmed it dropped its copy.
    /// </summary>
    [Alias("OnInvalidatedConfirmed")]
    Task OnInvalidatedConfirmed(InvalidationBatch batch);
}

/// <summary>
/// Invalidations for one client from one silo, in order. Item <c>i</c> is: partition <c>Partitions[i]</c>, its
/// per-client sequence number <c>Sequences[i]</c> (consecutive per partition, so a gap shows a lost message), and
/// either a key (UTF-8) changed at partition version <c>Versions[i]</c>, or a null key: forget the whole partition.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.InvalidationBatch")]
public sealed record InvalidationBatch(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] long Epoch,
    [property: Id(2)] int[] Partitions,
    [property: Id(3)] long[] Sequences,
    [property: Id(4)] byte[]?[] Keys,
    [property: Id(5)] long[] Versions);

/// <summary>A silo's near-cache push endpoint (one per silo, placed on it; key <c>{silo address}#hub</c>).</summary>
[Alias("grid.INearCacheHubGrain")]
public interface INearCacheHubGrain : IGrainWithStringKey
{
    /// <summary>Subscribes (or renews) a client's near cache; the answer's slot goes in the client's request frames.</summary>
    [Alias("Subscribe")]
    Task<NearCacheSubscription> Subscribe(Guid clientId, IInvalidationObserver observer);

    /// <summary>Ends a client's subscription.</summary>
    [Alias("Unsubscribe")]
    Task Unsubscribe(Guid clientId);

    /// <summary>
    /// The client's per-partition invalidation sequence numbers on this silo so far (null when it is not subscribed):
    /// a client that ran an invalidation waits until its near cache has applied that far (or drops what lags).
    /// </summary>
    [Alias("GetSequences")]
    Task<long[]?> GetSequences(Guid clientId);
}

/// <summary>
/// A client's subscription on one silo: its tracking slot (-1 when the silo tracks as many clients as it may: then the
/// client must not keep values read from this silo), the silo's epoch (a new epoch means what it tracked is gone),
/// whether it renewed a live subscription (false: a new one, so anything tracked before for this client is gone), and
/// the lease: for how long after sending this renewal the client may serve values it read from this silo, and how many
/// invalidations the silo has queued for this subscription so far (the client checks that they reach it: pushes that
/// are lost, or stuck behind a frozen gateway, make it stop serving what it read from this silo).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.NearCacheSubscription")]
public sealed record NearCacheSubscription(
    [property: Id(0)] int Slot,
    [property: Id(1)] long Epoch,
    [property: Id(2)] bool Renewed,
    [property: Id(3)] long LeaseMs = NearCacheSubscription.DefaultLeaseMs,
    [property: Id(4)] long Enqueued = 0)
{
    /// <summary>The lease when a silo names none.</summary>
    public const long DefaultLeaseMs = 1500;
}
