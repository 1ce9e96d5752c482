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
public sealed class GridReplicationOptions
{
    /// <summary>Replicas per partition: 0 (none: a crash loses the silo's entries) or 1 (default). Every silo of a cluster must agree.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>When writes are acknowledged; default <see cref="GridReplicationMode.Sync"/>.</summary>
    public GridReplicationMode Mode { get; set; } = GridReplicationMode.Sync;

    /// <summary>How long a partition activating after a crash waits for the other silos to offer their replica. Default 5 s.</summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most bytes of changes sent to one silo in one replication call (a partition seed may exceed it alone). Default 1 MiB.</summary>
    public int MaxBatchBytes { get; set; } = 1 << 20;

    /// <summary>
    /// <see cref="GridReplicationMode.Async"/> only: changes that may wait for one replica silo before writes wait for
    /// their replica as in <see cref="GridReplicationMode.Sync"/> (back-pressure, so a slow or unreachable replica silo
    /// cannot grow the queue without bound). A soft bound: writes already running when it is reached still queue theirs.
    /// Default 100,000.
    /// </summary>
    public int MaxAsyncBacklog { get; set; } = 100_000;

    /// <summary>Throws an <see cref="ArgumentException"/> that names the first invalid setting.</summary>
    public void Validate()
    {
        if (Replicas is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Replicas), Replicas, "Grid:Replication:Replicas must be 0 or 1.");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Grid:Replication:Mode must be Sync or Async.");
        }

        if (RecoveryTimeout < TimeSpan.FromMilliseconds(100) || RecoveryTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(RecoveryTimeout), RecoveryTimeout, "Grid:Replication:RecoveryTimeout must be between 100 ms and 5 minutes.");
        }

        if (MaxAsyncBacklog is < 100 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAsyncBacklog), MaxAsyncBacklog, "Grid:Replication:MaxAsyncBacklog must be between 100 and 10,000,000.");
        }

        if (MaxBatchBytes is < 4096 or > 64 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchBytes), MaxBatchBytes, "Grid:Replication:MaxBatchBytes must be between 4096 and 64 MiB.");
        }
    }
}
