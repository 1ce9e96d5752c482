using System.ComponentModel.DataAnnotations;
using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>When a write is acknowledged relative to its replica.</summary>
public enum GridReplicationMode
{
    /// <summary>A write's answer waits until the partition's replica holds the entry's new state. No acknowledged write is lost when one silo dies.</summary>
    Sync = 0,

    /// <summary>
    /// A write is answered as soon as the primary applied it; the replica follows in the background (usually within a
    /// millisecond). Writes acknowledged in that window can be lost when the primary's silo dies.
    /// </summary>
    Async = 1,
}

/// <summary>Replicas of partitions on other silos, so a crashed silo's partitions come back with their entries (section <c>Grid:Replication</c>).</summary>
public sealed class GridReplicationOptions : IValidatableObject
{
    /// <summary>Replicas per partition: 0 (none: a crash loses the silo's entries) or 1 (default). Every silo of a cluster must agree.</summary>
    [SettingRange(0, 1, Rule = "must be 0 or 1")]
    public int Replicas { get; set; } = 1;

    /// <summary>When writes are acknowledged; default <see cref="GridReplicationMode.Sync"/>.</summary>
    public GridReplicationMode Mode { get; set; } = GridReplicationMode.Sync;

    /// <summary>How long a partition activating after a crash waits for the other silos to offer their replica. Default 5 s.</summary>
    [SettingRange("00:00:00.100", "00:05:00", Rule = "must be between 100 ms and 5 minutes")]
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one replication call may go unanswered before it is sent again (the same frame; a replica ignores what it
    /// already holds), plus one second per MiB of the frame (a seed of a large partition takes longer to apply). Without
    /// it a lost call held the silo's replication watermark, and with it every sync write and every leaving partition's
    /// hand-off, until Orleans' 30 s response timeout. Default 5 s.
    /// </summary>
    [SettingRange("00:00:00.100", "00:05:00", Rule = "must be between 100 ms and 5 minutes")]
    public TimeSpan ShipTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most bytes of changes sent to one silo in one replication call (a partition seed may exceed it alone). Default 1 MiB.</summary>
    [SettingRange(4096, 64 << 20, Rule = "must be between 4096 and 64 MiB")]
    public int MaxBatchBytes { get; set; } = 1 << 20;

    /// <summary>
    /// <see cref="GridReplicationMode.Async"/> only: changes that may wait for one replica silo before writes wait for
    /// their replica as in <see cref="GridReplicationMode.Sync"/> (back-pressure, so a slow or unreachable replica silo
    /// cannot grow the queue without bound). A soft bound: writes already running when it is reached still queue theirs.
    /// Default 100,000.
    /// </summary>
    [SettingRange(100, 10_000_000)]
    public int MaxAsyncBacklog { get; set; } = 100_000;

    /// <summary>The mode is one of the defined ones (configuration can only give those; code can give any number).</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Mode))
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext, nameof(Mode))} must be Sync or Async (it is {Mode}).");
        }
    }
}
