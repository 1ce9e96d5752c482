namespace Grid.Client.Invalidation;

/// <summary>Counters of the change-feed processor.</summary>
internal sealed class ChangeFeedStatistics
{
    private long _received;
    private long _applied;
    private long _retries;
    private long _poisoned;

    /// <summary>Events read from the feeds.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Events whose invalidations were applied (including those that invalidate nothing).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Retries of failed attempts.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Events given up on, logged and skipped.</summary>
    public long Poisoned => Interlocked.Read(ref _poisoned);

    /// <summary>Events done with, either way.</summary>
    public long Completed => Applied + Poisoned;

    internal void OnReceived() => Interlocked.Increment(ref _received);

    internal void OnApplied() => Interlocked.Increment(ref _applied);

    internal void OnRetry() => Interlocked.Increment(ref _retries);

    internal void OnPoisoned() => Interlocked.Increment(ref _poisoned);
}
