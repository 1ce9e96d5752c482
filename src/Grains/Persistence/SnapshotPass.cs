namespace Grid.Grains.Persistence;

/// <summary>One pass over the silo's partitions: how many files were written, skipped or failed, and what it cost.</summary>
/// <param name="Written">Partitions whose file was replaced.</param>
/// <param name="Skipped">Partitions unchanged since their last file (or gone from this silo meanwhile).</param>
/// <param name="Failed">Partitions whose file could not be written.</param>
/// <param name="Entries">Entries in the files written.</param>
/// <param name="Bytes">Bytes of the files written.</param>
/// <param name="Elapsed">The whole pass.</param>
/// <param name="LongestPause">The longest time one partition's lock was held to copy its entries.</param>
internal readonly record struct SnapshotPass(int Written, int Skipped, int Failed, long Entries, long Bytes, TimeSpan Elapsed, TimeSpan LongestPause);
