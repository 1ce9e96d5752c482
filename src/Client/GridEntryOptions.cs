namespace Grid.Client;

/// <summary>How an entry is written: expiry, condition (or expected version) and tags. Immutable; share instances freely.</summary>
public sealed record GridEntryOptions
{
    /// <summary>Options with no expiry, no condition and no tags.</summary>
    public static GridEntryOptions Default { get; } = new();

    /// <summary>The entry expires this long after the write (positive, at most the cluster's MaxTimeToLive).</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>The entry expires at this instant (must be in the future). Mutually exclusive with <see cref="TimeToLive"/>.</summary>
    public DateTimeOffset? AbsoluteExpiration { get; init; }

    /// <summary>The entry expires when not read for this long; each read pushes its deadline back (never past an absolute expiry).</summary>
    public TimeSpan? SlidingExpiration { get; init; }

    /// <summary>When the write happens. Default <see cref="SetCondition.Always"/>.</summary>
    public SetCondition When { get; init; } = SetCondition.Always;

    /// <summary>
    /// Optimistic concurrency: the write happens only if the entry's version is this one (from
    /// <see cref="IGridCache.GetWithVersionAsync"/> or an earlier versioned write; 0: only if the key does not exist).
    /// Otherwise nothing changes: <see cref="IGridCache.SetAsync"/> returns false, and <see cref="IGridCache.SetWithVersionAsync"/>
    /// and <see cref="IGridCache.RemoveWithVersionAsync"/> return <see cref="GridWriteResult.Applied"/> false with the
    /// current version. Checked and applied atomically on the partition. Not with <see cref="When"/>, nor with
    /// <see cref="IGridCache.SetManyAsync"/>.
    /// </summary>
    public long? IfVersion { get; init; }

    /// <summary>Tags attached to the entry (for invalidation by tag).</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>
    /// Tags to invalidate once the write has happened ("update the user, invalidate the user lists"): the set is written
    /// first, then every entry carrying one of these tags is removed, except the entries this call wrote; the call returns
    /// after both. Nothing is invalidated when <see cref="When"/> prevented the write. See <see cref="IGridCache.InvalidateTagAsync"/>.
    /// </summary>
    public IReadOnlyList<string>? InvalidateTags { get; init; }

    /// <summary>This write's deadline instead of <see cref="GridClientOptions.OperationTimeout"/> (positive).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Options with a time to live.</summary>
    public static GridEntryOptions WithTimeToLive(TimeSpan timeToLive) => new() { TimeToLive = timeToLive };

    /// <summary>Options with a sliding expiration.</summary>
    public static GridEntryOptions WithSlidingExpiration(TimeSpan window) => new() { SlidingExpiration = window };
}

/// <summary>When a set writes.</summary>
public enum SetCondition
{
    /// <summary>Always (create or overwrite).</summary>
    Always = 0,

    /// <summary>Only when the key does not exist (Redis <c>NX</c>).</summary>
    NotExists = 1,

    /// <summary>Only when the key exists (Redis <c>XX</c>).</summary>
    Exists = 2,
}
