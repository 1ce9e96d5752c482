namespace Grid.Cluster.Tests.Elasticity;

/// <summary>Scenarios that start their own clusters and load them: run alone, one at a time, so they do not starve each other on 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ElasticityCollection
{
    public const string Name = "elasticity";
}
