namespace Grid.Protocol;

/// <summary>Settings every member of a cluster must agree on.</summary>
[GenerateSerializer, Immutable, Alias("grid.ClusterInfo")]
public sealed record GridClusterInfo(
    [property: Id(0)] int PartitionCount,
    [property: Id(1)] GridLimits Limits,
    [property: Id(2)] string ServiceId,
    [property: Id(3)] string ClusterId)
{
    /// <summary>The most data-plane entry activations a silo runs.</summary>
    public const int MaxDataPlaneShards = 64;

    /// <summary>
    /// Entry activations per silo that run data-plane batches (<c>Grid:DataPlaneShards</c>); clients spread their
    /// batches over them by partition. 1 from silos that do not say.
    /// </summary>
    [Id(4)]
    public int DataPlaneShards { get; init; } = 1;
}

