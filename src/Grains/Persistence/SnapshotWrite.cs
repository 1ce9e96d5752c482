namespace Grid.Grains.Persistence;

/// <summary>What writing one partition's snapshot did.</summary>
/// <param name="Outcome">Written, skipped (unchanged since its last file, or no longer live here) or failed.</param>
/// <param name="Entries">Entries in the file.</param>
/// <param name="Bytes">Bytes of the file.</param>
/// <param name="Pause">How long the partition's lock was held to copy its entries (operations on it waited that long at most).</param>
internal readonly record struct SnapshotWrite(SnapshotOutcome Outcome, int Entries, long Bytes, TimeSpan Pause)
{
    public static SnapshotWrite Skipped => new(SnapshotOutcome.Skipped, 0, 0, TimeSpan.Zero);

    public static SnapshotWrite Failed => new(SnapshotOutcome.Failed, 0, 0, TimeSpan.Zero);
}
