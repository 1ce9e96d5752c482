using Grid.Client;
using Grid.Fault.Tests.Cluster;
using Grid.Fault.Tests.Workload;

namespace Grid.Fault.Tests.Scenarios;

/// <summary>What a finished run hands to <see cref="FaultRunSummary.Build"/>.</summary>
internal sealed record FaultRunInputs(
    FaultScenario Scenario,
    FaultLoad Load,
    FaultContext Context,
    FaultCluster Cluster,
    string Settle,
    Verification.FinalState Final,
    GridClientStatistics NearCacheClient,
    GridClientStatistics DirectClient);
