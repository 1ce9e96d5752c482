namespace Grid.Client;

/// <summary>
/// Publishes data-change events in-process (the application's own writes, or a listener of its database). Registered
/// by <c>AddGridChangeFeed</c>; events are queued (bounded: a full queue makes the publisher wait) and processed in the
/// background, in order per source.
/// </summary>
public interface IChangeFeed
{
    /// <summary>Queues an event for processing; completes once it is queued, not once it is applied.</summary>
    /// <param name="change">The event.</param>
    /// <param name="cancellationToken">Stops waiting for room in the queue.</param>
    ValueTask PublishAsync(DataChanged change, CancellationToken cancellationToken = default);
}
