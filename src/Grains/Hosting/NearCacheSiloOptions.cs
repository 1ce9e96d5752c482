using System.ComponentModel.DataAnnotations;
using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>Silo side of client near caches (section <c>Grid:NearCache</c>).</summary>
public sealed class NearCacheSiloOptions : IValidatableObject
{
    /// <summary>Keys the silo tracks for clients' near caches at most; reads beyond it are served but not cacheable. Default 1,000,000.</summary>
    [SettingRange(0, 1_000_000_000)]
    public long MaxTrackedKeys { get; set; } = 1_000_000;

    /// <summary>How long a client's subscription lasts without renewal before its slot is freed. Default 10 s.</summary>
    [SettingRange("00:00:03", "01:00:00", Rule = "must be between 3 seconds and 1 hour")]
    public TimeSpan SubscriptionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a client may serve values it read from this silo after its last renewal (which it sends every third of
    /// this): a client that cannot reach the silo (it died, froze, or the network failed) stops serving them within it.
    /// Must be shorter than failure detection can declare a silo dead (<c>Membership:ProbeTimeout</c> ×
    /// <c>NumMissedProbesLimit</c>), so no client still serves a dead silo's values once other silos take its partitions
    /// and acknowledge new writes. Default 1.5 s.
    /// </summary>
    [SettingRange("00:00:00.300", "00:01:00", Rule = "must be between 300 ms and 1 minute")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>When writes to keys clients hold are acknowledged; see <see cref="NearCacheCoherence"/>. Default <see cref="NearCacheCoherence.Eventual"/>.</summary>
    public NearCacheCoherence Coherence { get; set; } = NearCacheCoherence.Eventual;

    /// <summary>The coherence is one of the defined ones (configuration can only give those; code can give any number).</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Coherence))
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext, nameof(Coherence))} must be Eventual or Strict (it is {Coherence}).");
        }
    }
}
