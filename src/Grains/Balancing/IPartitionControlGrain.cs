namespace Grid.Grains.Balancing;

/// <summary>Silo-internal control of a partition grain (the same grain as <c>IPartitionGrain</c>, keyed by partition id).</summary>
[Alias("grid.IPartitionControlGrain")]
internal interface IPartitionControlGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Asks the partition to migrate, with its entries, to <paramref name="target"/> once idle. Returns false when it
    /// is there already.
    /// </summary>
    [Alias("MoveTo")]
    Task<bool> MoveTo(SiloAddress target);

    /// <summary>The silo the partition is active on (a call made after <see cref="MoveTo"/> answers once it has arrived).</summary>
    [Alias("GetLocation")]
    Task<SiloAddress> GetLocation();
}
