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

        if (Entry is { When: not SetCondition.Always })
        {
            throw new ArgumentException("GetOrSetAsync writes unconditionally; Entry.When must be Always.", nameof(Entry));
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(3650))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
