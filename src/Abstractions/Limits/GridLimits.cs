namespace Grid;

/// <summary>
/// Size and range limits a cluster enforces on every request. Silos enforce their own copy; clients fetch the
/// cluster's copy at connect and check requests before sending them, so bad input fails fast with the same message.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.Limits")]
public sealed record GridLimits
{
    /// <summary>Longest key (and hash field, and tag), in UTF-8 bytes. Default 8 KiB; at most 65,535.</summary>
    [Id(0)] public int MaxKeyBytes { get; init; } = 8 * 1024;

    /// <summary>Largest value, in bytes. Default 8 MiB.</summary>
    [Id(1)] public int MaxValueBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Longest time to live or sliding window. Default 3,650 days.</summary>
    [Id(2)] public TimeSpan MaxTimeToLive { get; init; } = TimeSpan.FromDays(3650);

    /// <summary>Most tags one entry may carry. Default 32; at most 255 (an entry's record stores the count in one byte).</summary>
    [Id(3)] public int MaxTagsPerEntry { get; init; } = 32;

    /// <summary>Most keys (or values) one multi-key call or list push may carry. Default 10,000.</summary>
    [Id(4)] public int MaxKeysPerCall { get; init; } = 10_000;

    /// <summary>
    /// Most bytes one request may carry: a multi-key call's keys, values and tags in all (checked by the client), and one
    /// request frame (checked by the silo, which refuses a larger frame whole). At least the largest valid single
    /// operation (<see cref="LargestOperationBytes"/>). Default 64 MiB.
    /// </summary>
    [Id(5)] public int MaxRequestBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Silo: requests of one client (one Orleans client connection) running at once on a silo; more wait (see
    /// <see cref="MaxQueuedRequestsPerClient"/> and <see cref="RequestQueueTimeout"/>) or are refused with
    /// <see cref="GridBusyException"/>. Other clients are not affected. Default 64.
    /// </summary>
    [Id(6)] public int MaxConcurrentRequestsPerClient { get; init; } = 64;

    /// <summary>Silo: requests of one client that may wait for a free slot on a silo; beyond, requests fail at once. 0: no waiting. Default 1,024.</summary>
    [Id(7)] public int MaxQueuedRequestsPerClient { get; init; } = 1024;

    /// <summary>Silo: how long a request waits for a free slot before it fails with <see cref="GridBusyException"/>. Zero: fail fast. Default 5 s.</summary>
    [Id(8)] public TimeSpan RequestQueueTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Silo: pattern scans (<c>InvalidatePatternAsync</c>) running at once on one silo; more wait up to
    /// <see cref="RequestQueueTimeout"/>, then fail with <see cref="GridBusyException"/>. Default 4.
    /// </summary>
    [Id(9)] public int MaxConcurrentScans { get; init; } = 4;

    /// <summary>The encoded size of the largest valid single operation under these limits (a value or list push at the limit, the most tags, a field).</summary>
    public long LargestOperationBytes => (long)MaxValueBytes + 5L * MaxKeysPerCall + (MaxTagsPerEntry + 2L) * (MaxKeyBytes + 5L) + 64;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first limit that is out of range.</summary>
    public void Validate()
    {
        if (MaxKeyBytes is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxKeyBytes), MaxKeyBytes, "MaxKeyBytes must be between 1 and 65535.");
        }

        if (MaxValueBytes is < 1 or > 512 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxValueBytes), MaxValueBytes, "MaxValueBytes must be between 1 and 536870912 (512 MiB).");
        }

        if (MaxTimeToLive <= TimeSpan.Zero || MaxTimeToLive > TimeSpan.FromDays(36500))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTimeToLive), MaxTimeToLive, "MaxTimeToLive must be positive and at most 36500 days.");
        }

        if (MaxTagsPerEntry is < 0 or > byte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTagsPerEntry), MaxTagsPerEntry, "MaxTagsPerEntry must be between 0 and 255.");
        }

        if (MaxKeysPerCall is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxKeysPerCall), MaxKeysPerCall, "MaxKeysPerCall must be between 1 and 1000000.");
        }

        if (MaxRequestBytes < LargestOperationBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), MaxRequestBytes, $"MaxRequestBytes must be at least the largest valid operation under the other limits ({LargestOperationBytes} bytes).");
        }

        if (MaxConcurrentRequestsPerClient is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentRequestsPerClient), MaxConcurrentRequestsPerClient, "MaxConcurrentRequestsPerClient must be between 1 and 100000.");
        }

        if (MaxQueuedRequestsPerClient is < 0 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedRequestsPerClient), MaxQueuedRequestsPerClient, "MaxQueuedRequestsPerClient must be between 0 and 1000000.");
        }

        if (RequestQueueTimeout < TimeSpan.Zero || RequestQueueTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(RequestQueueTimeout), RequestQueueTimeout, "RequestQueueTimeout must be between 0 and 5 minutes.");
        }

        if (MaxConcurrentScans is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentScans), MaxConcurrentScans, "MaxConcurrentScans must be between 1 and 1024.");
        }
    }
}
