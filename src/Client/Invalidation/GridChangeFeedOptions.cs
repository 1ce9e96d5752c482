namespace Grid.Client;

/// <summary>How the change-feed processor queues, orders and retries data-change events.</summary>
public sealed class GridChangeFeedOptions
{
    /// <summary>Events the in-process feed queues before <see cref="IChangeFeed.PublishAsync"/> waits. Default 10,000.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>
    /// Events processed in parallel: sources are spread over this many lanes, each processing its events one at a time
    /// in order (so events of one source never overtake each other). Default 4.
    /// </summary>
    public int Lanes { get; set; } = 4;

    /// <summary>Attempts per event (the first try and its retries) before it is logged as poison and skipped. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; it doubles (with jitter) for each next one. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between retries. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Capacity is < 1 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "GridChangeFeedOptions.Capacity must be between 1 and 10000000.");
        }

        if (Lanes is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Lanes), Lanes, "GridChangeFeedOptions.Lanes must be between 1 and 256.");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "GridChangeFeedOptions.MaxAttempts must be between 1 and 100.");
        }

        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay || MaxRetryDelay > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "GridChangeFeedOptions.RetryDelay must be positive and at most MaxRetryDelay (at most one hour).");
        }
    }
}
