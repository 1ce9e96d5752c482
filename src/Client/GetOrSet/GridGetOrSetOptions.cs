namespace Grid.Client;

/// <summary>How <see cref="IGridCache.GetOrSetAsync{T}"/> fills a missing entry.</summary>
public sealed record GridGetOrSetOptions
{
    /// <summary>Defaults: no expiry, stampede protection within this client only, no fail-safe, no timeouts.</summary>
    public static GridGetOrSetOptions Default { get; } = new();

    /// <summary>How the value the factory produced is written (expiry, tags). Its condition must be <see cref="SetCondition.Always"/>.</summary>
    public GridEntryOptions? Entry { get; init; }

    /// <summary>
    /// Run the factory once per cluster, not only once per client: the caller that takes the key's lease (held by its
    /// partition, for <see cref="LockTimeout"/> at most) runs it; other clients wait for its value.
    /// </summary>
    public bool ClusterWide { get; init; }

    /// <summary>How long a cluster-wide lease is held at most (it is released as soon as the value is written). Default 10 s.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Keep the value for <see cref="FailSafeMaxDuration"/> after it expires, and return that stale value (logging the
    /// error) when the factory fails or times out, instead of failing the caller. Entries written this way carry a
    /// small header (the logical expiry): read them through GetOrSetAsync.
    /// </summary>
    public bool FailSafe { get; init; }

    /// <summary>How long a stale value is kept for fail-safe after its logical expiry. Default 1 hour.</summary>
    public TimeSpan FailSafeMaxDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>With a stale value at hand: wait this long for the factory, then return the stale value and let the factory finish in the background.</summary>
    public TimeSpan? SoftTimeout { get; init; }

    /// <summary>Give up on the factory after this long: it is cancelled and the call fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan? HardTimeout { get; init; }

    /// <summary>
    /// Refresh-ahead, as a fraction of the entry's time to live (e.g. 0.8; between 0 and 1, exclusive): a read of a value
    /// older than that returns it at once and starts <b>one</b> refresh for the whole cluster in the background (the
    /// client that takes the key's lease, as <see cref="ClusterWide"/> does, runs the factory within
    /// <see cref="HardTimeout"/> and writes; other clients and readers never wait for it). The new value reaches near
    /// caches through the usual invalidation. Needs <see cref="Entry"/> with <see cref="GridEntryOptions.TimeToLive"/> or
    /// <see cref="GridEntryOptions.AbsoluteExpiration"/>; entries carry a small header (read them through GetOrSetAsync).
    /// Null (the default): no refresh-ahead.
    /// </summary>
    public double? RefreshAhead { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Positive(LockTimeout, nameof(LockTimeout));
        Positive(FailSafeMaxDuration, nameof(FailSafeMaxDuration));
        if (SoftTimeout is { } soft)
        {
            Positive(soft, nameof(SoftTimeout));
        }

        if (HardTimeout is { } hard)
        {
            Positive(hard, nameof(HardTimeout));
        }

        if (SoftTimeout is { } s && HardTimeout is { } h && s >= h)
        {
            throw new ArgumentException("SoftTimeout must be shorter than HardTimeout.", nameof(SoftTimeout));
        }

        if (RefreshAhead is { } fraction)
        {
            if (!(fraction > 0 && fraction < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(RefreshAhead), fraction, "RefreshAhead is a fraction of the time to live: it must be greater than 0 and less than 1.");
            }

            if (Entry is not { TimeToLive: not null } and not { AbsoluteExpiration: not null } || Entry.SlidingExpiration is not null)
            {
                throw new ArgumentException("RefreshAhead needs Entry.TimeToLive or Entry.AbsoluteExpiration (and no sliding expiration): it is a fraction of that time to live.", nameof(RefreshAhead));
            }
        }

        if (Entry is { When: not SetCondition.Always })
        {
            throw new ArgumentException("GetOrSetAsync writes unconditionally; Entry.When must be Always.", nameof(Entry));
        }
    }

    /// <summary>The time to live <paramref name="entry"/> gives a value written at <paramref name="now"/>; null when it never expires.</summary>
    internal static TimeSpan? TimeToLiveOf(GridEntryOptions entry, DateTimeOffset now) =>
        entry.TimeToLive ?? (entry.AbsoluteExpiration is { } at ? at - now : null);

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(3650))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and at most 3650 days.");
        }
    }
}
