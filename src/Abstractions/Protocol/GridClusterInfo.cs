namespace Grid.Protocol;

/// <summary>Settings every member of a cluster must agree on.</summary>
[GenerateSerializer, Immutable, Alias("grid.ClusterInfo")]
public sealed record GridClusterInfo(
    [property: Id(0)] int PartitionCount,
    [property: Id(1)] GridLimits Limits,
    [property: Id(2)] string ServiceId,
    [property: Id(3)] string ClusterId);
