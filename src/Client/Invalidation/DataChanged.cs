namespace Grid.Client;

/// <summary>
/// A change of source data (a database row, a document, an entity) that cached entries may depend on: what changed
/// (<paramref name="Source"/>, for example a table name, and the row's <paramref name="Id"/>) and how. Rules registered
/// with <c>AddGridChangeFeed</c> map it to keys, tags and patterns to invalidate.
/// </summary>
/// <param name="Source">Where the data lives, for example <c>users</c>. Events of one source are processed in order.</param>
/// <param name="Id">The changed item's identity within the source, for example <c>42</c>.</param>
/// <param name="Kind">Inserted, updated or deleted.</param>
public sealed record DataChanged(string Source, string Id, DataChangeKind Kind)
{
    /// <summary>
    /// The event's position in its feed (a log sequence number, a Kafka offset), set by a feed adapter so that it can
    /// commit the position when the event is acknowledged; null for in-process events.
    /// </summary>
    public string? Position { get; init; }
}

/// <summary>How source data changed.</summary>
public enum DataChangeKind
{
    /// <summary>A new item.</summary>
    Inserted = 1,

    /// <summary>An existing item changed.</summary>
    Updated = 2,

    /// <summary>An item was deleted.</summary>
    Deleted = 3,
}
