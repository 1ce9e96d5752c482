namespace Grid.Grains.Persistence;

/// <summary>How writing one partition's snapshot ended.</summary>
internal enum SnapshotOutcome
{
    /// <summary>The file was replaced.</summary>
    Written,

    /// <summary>Nothing to write: unchanged since its last file, or the partition no longer lives here.</summary>
    Skipped,

    /// <summary>The file could not be written (logged); the previous file, if any, stays.</summary>
    Failed,
}
