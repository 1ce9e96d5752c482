using Grid.Protocol;

namespace Grid.Resp.Tracking;

/// <summary>Where silos push key changes for the RESP endpoint (one for the near-cache hubs, one for the broadcasts).</summary>
internal sealed class TrackingObserver(Action<InvalidationBatch> received) : IInvalidationObserver
{
    public Task OnInvalidated(InvalidationBatch batch)
    {
        received(batch);
        return Task.CompletedTask;
    }

    /// <summary>Strict coherence: applied means queued on the tracking connections (written after their replies in flight).</summary>
    public Task OnInvalidatedConfirmed(InvalidationBatch batch) => OnInvalidated(batch);
}
