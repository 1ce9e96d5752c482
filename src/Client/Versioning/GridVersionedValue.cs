namespace Grid.Client;

/// <summary>
/// A value with its entry version, as <see cref="IGridCache.GetWithVersionAsync"/> reads it: pass the version back as
/// <see cref="GridEntryOptions.IfVersion"/> to write only if nobody wrote the key since (optimistic concurrency).
/// </summary>
/// <param name="Value">The value (a counter reads as its decimal text); null when the key does not exist.</param>
/// <param name="Version">
/// The entry's version: a new one on every write of the key (replicas, partition moves and warm restarts keep it);
/// 0 when the key does not exist, so <c>IfVersion = 0</c> writes only a key that is still absent.
/// </param>
public readonly record struct GridVersionedValue(byte[]? Value, long Version)
{
    /// <summary>The answer for a key that does not exist.</summary>
    public static GridVersionedValue Missing => new(null, 0);

    /// <summary>Whether the key exists.</summary>
    public bool Exists => Value is not null;
}
