using System.ComponentModel.DataAnnotations;
using Grid.Hosting;

namespace Grid.Client;

/// <summary>
/// How the change-feed processor queues, orders and retries data-change events (section <c>GridChangeFeed</c>, then
/// the delegate of <c>AddGridChangeFeed</c>; validated when the host starts).
/// </summary>
public sealed class GridChangeFeedOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "GridChangeFeed";

    /// <summary>Events the in-process feed queues before <see cref="IChangeFeed.PublishAsync"/> waits. Default 10,000.</summary>
    [SettingRange(1, 10_000_000)]
    public int Capacity { get; set; } = 10_000;

    /// <summary>
    /// Events processed in parallel: sources are spread over this many lanes, each processing its events one at a time
    /// in order (so events of one source never overtake each other). Default 4.
    /// </summary>
    [SettingRange(1, 256)]
    public int Lanes { get; set; } = 4;

    /// <summary>Attempts per event (the first try and its retries) before it is logged as poison and skipped. Default 5.</summary>
    [SettingRange(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; it doubles (with jitter) for each next one. Default 200 ms.</summary>
    [SettingRange("00:00:00.0000001", "01:00:00", Rule = "must be positive and at most one hour")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between retries. Default 10 s.</summary>
    [SettingRange("00:00:00.0000001", "01:00:00", Rule = "must be positive and at most one hour")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Cross-field rule: retries back off from <see cref="RetryDelay"/> up to <see cref="MaxRetryDelay"/>.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext, nameof(RetryDelay))} must be at most MaxRetryDelay ({MaxRetryDelay}) (it is {RetryDelay}).");
        }
    }
}
