namespace Grid.Client;

/// <summary>How a <see cref="WriteBehindCache{TKey,TValue}"/> queues and flushes writes.</summary>
public sealed class WriteBehindOptions
{
    /// <summary>Writes queued at most; a writer waits when the queue is full (back-pressure). Default 10,000.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>Most records per store call. Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long a write may wait for companions before its batch goes. Default 100 ms.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First retry delay of a failed store call; it doubles up to <see cref="MaxRetryDelay"/>, and retries go on until the call succeeds. Default 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between retries. Default 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposal (host shutdown) waits for the queue to reach the store before it fails naming what was not saved. Default 30 s.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "Capacity must be positive.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be positive.");
        }

        if (FlushTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FlushTimeout), FlushTimeout, "FlushTimeout must be positive.");
        }

        if (MaxDelay < TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "MaxDelay must not be negative; RetryDelay must be positive and at most MaxRetryDelay.");
        }
    }
}
