namespace Grid.Client;

/// <summary>
/// A source of data-change events the grid's change-feed processor reads: the in-process queue behind
/// <see cref="IChangeFeed"/>, and any feed adapter registered with <c>AddGridChangeFeed&lt;TConsumer&gt;</c> (a CDC
/// feed: Debezium over Kafka, SQL Server change tracking or CDC, PostgreSQL logical replication).
/// </summary>
/// <remarks>
/// The processor reads <see cref="ReadAllAsync"/> once, for the life of the host, and calls
/// <see cref="AcknowledgeAsync"/> once for every event after its invalidations were applied, or after it was given up
/// as poison (logged and skipped). Events of one source are acknowledged in the order they were read; events of
/// different sources are processed in parallel, so a feed with a single position (one Kafka partition, one LSN) should
/// commit the highest position below which every event has been acknowledged. Delivery is at least once: an event read
/// again after a restart is simply applied again (invalidations are idempotent).
/// </remarks>
public interface IChangeFeedConsumer
{
    /// <summary>The events, in feed order, until <paramref name="cancellationToken"/> stops the host.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    IAsyncEnumerable<DataChanged> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>The event was applied (or skipped as poison) and need not be delivered again.</summary>
    /// <param name="change">The event, as read.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask AcknowledgeAsync(DataChanged change, CancellationToken cancellationToken);
}
