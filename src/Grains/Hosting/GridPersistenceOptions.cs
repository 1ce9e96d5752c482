using System.ComponentModel.DataAnnotations;
using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>
/// Warm restart (section <c>Grid:Persistence</c>): each silo writes the partitions it holds to files in
/// <see cref="Directory"/>, every <see cref="Interval"/> and when it stops gracefully, and a partition that activates
/// with nothing (no arriving state, no replica) loads its file. Off by default. README: Warm restart.
/// </summary>
public sealed class GridPersistenceOptions : IValidatableObject
{
    /// <summary>Write and load partition snapshots. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Where this silo writes its snapshot files (one per partition, <c>partition-00042.gridsnap</c>); created if missing.
    /// Required when <see cref="Enabled"/>. A directory of its own per silo (a Kubernetes volume claim per pod) gives a
    /// restarted silo back the partitions it wrote that land on it again; a directory shared by every silo gives every
    /// partition back wherever it lands.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// How often the silo writes the partitions that changed since their last file, one partition at a time. 0: only when
    /// the silo stops gracefully (<see cref="OnShutdown"/>). Default 5 minutes.
    /// </summary>
    [SettingRange("00:00:00", "1.00:00:00", Rule = "must be between 0 (only on graceful shutdown) and 1 day")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Write each partition's final state when the silo stops gracefully. Default true.</summary>
    public bool OnShutdown { get; set; } = true;

    /// <summary>Cross-field rules: a directory when on, and at least one moment when files are written.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Directory))
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext, nameof(Directory))} must be set when {SettingPath.Of(validationContext, nameof(Enabled))} is true (a directory the silo may write, e.g. a volume's mount path).");
        }

        if (Interval == TimeSpan.Zero && !OnShutdown)
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext, nameof(Interval))} is 0 and {SettingPath.Of(validationContext, nameof(OnShutdown))} is false: no snapshot would ever be written (set an interval, or write on shutdown).");
        }
    }
}
