using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Grid.Hosting;

namespace Grid;

/// <summary>
/// Size and range limits a cluster enforces on every request. Silos enforce their own copy; clients fetch the
/// cluster's copy at connect and check requests before sending them, so bad input fails fast with the same message.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.Limits")]
public sealed record GridLimits : IValidatableObject
{
    /// <summary>Longest key (and hash field, and tag), in UTF-8 bytes. Default 8 KiB; at most 65,535.</summary>
    [SettingRange(1, ushort.MaxValue)]
    [Id(0)] public int MaxKeyBytes { get; init; } = 8 * 1024;

    /// <summary>Largest value, in bytes. Default 8 MiB.</summary>
    [SettingRange(1, 512 * 1024 * 1024)]
    [Id(1)] public int MaxValueBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Longest time to live or sliding window. Default 3,650 days.</summary>
    [SettingRange("00:00:00.0000001", "36500.00:00:00", Rule = "must be positive and at most 36500 days")]
    [Id(2)] public TimeSpan MaxTimeToLive { get; init; } = TimeSpan.FromDays(3650);

    /// <summary>Most tags one entry may carry. Default 32; at most 255 (an entry's record stores the count in one byte).</summary>
    [SettingRange(0, byte.MaxValue)]
    [Id(3)] public int MaxTagsPerEntry { get; init; } = 32;

    /// <summary>Most keys (or values) one multi-key call or list push may carry. Default 10,000.</summary>
    [SettingRange(1, 1_000_000)]
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
    [SettingRange(1, 100_000)]
    [Id(6)] public int MaxConcurrentRequestsPerClient { get; init; } = 64;

    /// <summary>Silo: requests of one client that may wait for a free slot on a silo; beyond, requests fail at once. 0: no waiting. Default 1,024.</summary>
    [SettingRange(0, 1_000_000)]
    [Id(7)] public int MaxQueuedRequestsPerClient { get; init; } = 1024;

    /// <summary>Silo: how long a request waits for a free slot before it fails with <see cref="GridBusyException"/>. Zero: fail fast. Default 5 s.</summary>
    [SettingRange("00:00:00", "00:05:00", Rule = "must be between 0 and 5 minutes")]
    [Id(8)] public TimeSpan RequestQueueTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Silo: pattern scans (<c>InvalidatePatternAsync</c>) running at once on one silo; more wait up to
    /// <see cref="RequestQueueTimeout"/>, then fail with <see cref="GridBusyException"/>. Default 4.
    /// </summary>
    [SettingRange(1, 1024)]
    [Id(9)] public int MaxConcurrentScans { get; init; } = 4;

    /// <summary>The encoded size of the largest valid single operation under these limits (a value or list push at the limit, the most tags, a field).</summary>
    public long LargestOperationBytes => (long)MaxValueBytes + 5L * MaxKeysPerCall + (MaxTagsPerEntry + 2L) * (MaxKeyBytes + 5L) + 64;

    /// <summary>Cross-field rule: a request may carry at least the largest valid single operation.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxRequestBytes < LargestOperationBytes)
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture,
                $"{SettingPath.Of(validationContext, nameof(MaxRequestBytes))} must be at least the largest valid operation under the other limits ({LargestOperationBytes} bytes) (it is {MaxRequestBytes})."));
        }
    }
}
