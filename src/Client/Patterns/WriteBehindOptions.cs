using System.ComponentModel.DataAnnotations;
using Grid.Hosting;

namespace Grid.Client;

/// <summary>
/// How a <see cref="WriteBehindCache{TKey,TValue}"/> queues and flushes writes. Registered by <c>AddGridWriteBehind</c>
/// per record type, bound from section <c>GridWriteBehind:{record type name}</c> and validated when the host starts.
/// </summary>
public sealed class WriteBehindOptions : IValidatableObject
{
    /// <summary>The configuration section of the settings of every write-behind cache (a subsection per record type).</summary>
    public const string SectionName = "GridWriteBehind";

    /// <summary>Writes queued at most; a writer waits when the queue is full (back-pressure). Default 10,000.</summary>
    [SettingRange(1, int.MaxValue, Rule = "must be positive")]
    public int Capacity { get; set; } = 10_000;

    /// <summary>Most records per store call. Default 100.</summary>
    [SettingRange(1, int.MaxValue, Rule = "must be positive")]
    public int BatchSize { get; set; } = 100;

    /// <summary>How long a write may wait for companions before its batch goes. Default 100 ms.</summary>
    [SettingRange("00:00:00", "10675199.02:48:05.4775807", Rule = "must not be negative")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First retry delay of a failed store call; it doubles up to <see cref="MaxRetryDelay"/>, and retries go on until the call succeeds. Default 100 ms.</summary>
    [SettingRange("00:00:00.0000001", "10675199.02:48:05.4775807", Rule = "must be positive")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between retries. Default 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposal (host shutdown) waits for the queue to reach the store before it fails naming what was not saved. Default 30 s.</summary>
    [SettingRange("00:00:00.0000001", "10675199.02:48:05.4775807", Rule = "must be positive")]
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cross-field rule: retries back off from <see cref="RetryDelay"/> up to <see cref="MaxRetryDelay"/>.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext, nameof(MaxRetryDelay))} must be at least RetryDelay ({RetryDelay}) (it is {MaxRetryDelay}).");
        }
    }
}
