namespace Grid.Protocol;

/// <summary>
/// A silo's key-change broadcast (one per silo, placed on it; key <c>{silo address}#broadcast</c>): a subscriber names
/// key prefixes and hears of every change (write, removal, expiry, eviction, invalidation) of a key with one of them in
/// this silo's partitions, pushed in batches to its observer (only the keys are used). It serves the RESP endpoint's
/// <c>CLIENT TRACKING ON BCAST</c>, where a client asks for every change under a prefix, read or not.
/// </summary>
[Alias("grid.IKeyBroadcastGrain")]
public interface IKeyBroadcastGrain : IGrainWithStringKey
{
    /// <summary>
    /// Subscribes, or renews (replacing the prefixes; an empty prefix matches every key). Returns the subscription's
    /// incarnation: the same number while the subscription lives; a new one means it was dropped meanwhile (not renewed
    /// in time, a push failed, its queue overflowed, the silo restarted), so changes may have been missed.
    /// </summary>
    [Alias("Subscribe")]
    Task<long> Subscribe(Guid subscriberId, IInvalidationObserver observer, byte[][] prefixes);

    /// <summary>Ends a subscription.</summary>
    [Alias("Unsubscribe")]
    Task Unsubscribe(Guid subscriberId);
}
