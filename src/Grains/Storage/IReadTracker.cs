namespace Grid.Grains.Storage;

/// <summary>
/// The silo's near-cache tracking: which clients read which keys, so a change is pushed only to clients that hold the
/// key. Stores keep the per-key client bits; this keeps the silo-wide count and the invalidation sequences.
/// Called under a store's lock: never blocks.
/// </summary>
internal interface IReadTracker
{
    /// <summary>Claims room for one more tracked key; false when the silo tracks as many keys as it may.</summary>
    bool TryReserve();

    /// <summary>Gives back room for keys no longer tracked.</summary>
    void Release(int keys);

    /// <summary>The last invalidation sequence number sent to the client in <paramref name="slot"/> for <paramref name="partition"/>.</summary>
    long Sequence(int slot, int partition);

    /// <summary>
    /// A store closed (its partition moved or stopped): what it tracked is gone, so clients must forget the partition.
    /// <paramref name="context"/>, when given, is the caller that closed it (in strict coherence it waits for the clients).
    /// </summary>
    void OnTrackingDropped(int partition, int trackedKeys, BatchContext? context);
}
