namespace Grid.Grains.Persistence;

/// <summary>
/// One silo's snapshot files, as the other silos see them (key: the silo's parsable address; placed on that silo): a
/// partition that activates with nothing asks every silo when its file of the partition was written, and takes the
/// newest. With a directory per silo, partitions land on other silos after a full restart than before it.
/// </summary>
[Alias("grid.ISnapshotPeerGrain")]
internal interface ISnapshotPeerGrain : IGrainWithStringKey
{
    /// <summary>When this silo's file of <paramref name="partition"/> was written (unix ms), or -1 when it has no usable one.</summary>
    [Alias("GetWrittenAt")]
    Task<long> GetWrittenAt(int partition);

    /// <summary>The bytes of this silo's file of <paramref name="partition"/> (checked), or null when it has no usable one.</summary>
    [Alias("GetFile")]
    Task<byte[]?> GetFile(int partition);
}
