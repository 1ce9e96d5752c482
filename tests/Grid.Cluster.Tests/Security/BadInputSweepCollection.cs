namespace Grid.Cluster.Tests.Security;

/// <summary>
/// The bad-input sweep bounds the test process's heap, so it runs alone: while other test classes' clusters ran beside
/// it, their allocations counted against its bound (CI once saw 156 → 435 MB during a sweep whose own cluster holds a
/// few MB).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BadInputSweepCollection
{
    public const string Name = "bad-input-sweep";
}
