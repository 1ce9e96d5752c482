using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>The router's view of a real cluster, through an Orleans cluster client.</summary>
internal sealed class ClusterClientRouting(IClusterClient client) : IRoutingCluster
{
    public Task<Dictionary<SiloAddress, SiloStatus>> GetHostsAsync() => client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);

    // Shard 0 of the silo's entry grain (the key is "{silo address}#{shard}").
    public ISiloEntryGrain GetEntry(SiloAddress silo) => client.GetGrain<ISiloEntryGrain>(silo.ToParsableString() + "#0");
}
