using Grid.Grains.Storage;

namespace Grid.Grains.Persistence;

/// <summary>A partition snapshot read back from its file: the entries and version, and when the file was written (unix ms).</summary>
internal sealed record SnapshotFile(int Partition, long WrittenAtMs, StoreSnapshot Snapshot);
