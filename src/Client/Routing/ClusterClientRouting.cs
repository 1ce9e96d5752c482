using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>The router's view of a real cluster, through an Orleans cluster client.</summary>
internal sealed class ClusterClientRouting(IClusterClient client) : IRoutingCluster
{
    public Task<Dictionary<SiloAddress, SiloStatus>> GetHostsAsync() => client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);

    // The silo's entry grain keyed "{silo address}#{shard}" (placed on that silo).
    public ISiloEntryGrain GetEntry(SiloAddress silo, int shard) => client.GetGrain<ISiloEntryGrain>(silo.ToParsableString() + "#" + shard.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
