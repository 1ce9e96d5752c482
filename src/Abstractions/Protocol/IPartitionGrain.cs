namespace Grid.Protocol;

/// <summary>
/// A partition of the key space (integer key = partition id). It owns the partition's store; data normally reaches the
/// store directly through <see cref="ISiloEntryGrain"/>, and this grain call is the fallback that finds or activates the
/// partition wherever it lives.
/// </summary>
[Alias("grid.IPartitionGrain")]
public interface IPartitionGrain : IGrainWithIntegerKey
{
    /// <summary>Runs the operations of a request frame (keys of this partition), in order.</summary>
    [Alias("Execute")]
    Task<PartitionBatchResult> Execute(byte[] requestFrame);
}

/// <summary>The result frame of a partition grain call, and the silo the partition lives on (a routing hint for the caller).</summary>
[GenerateSerializer, Immutable, Alias("grid.PartitionBatchResult")]
public sealed record PartitionBatchResult([property: Id(0)] byte[] ResultFrame, [property: Id(1)] SiloAddress Silo);
