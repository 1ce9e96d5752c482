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
    }
}
