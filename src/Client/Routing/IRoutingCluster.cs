using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>
/// The two things <see cref="PartitionRouter"/> asks of the cluster: its membership, and a silo's batch entry. An
/// Orleans cluster client answers them in production (<see cref="ClusterClientRouting"/>); unit tests answer them with
/// fakes, so the router's retry rules run without a cluster.
/// </summary>
internal interface IRoutingCluster
{
    /// <summary>Every silo membership knows of, with its status (not only the active ones).</summary>
    Task<Dictionary<SiloAddress, SiloStatus>> GetHostsAsync();

    /// <summary>The entry activation <paramref name="shard"/> of <paramref name="silo"/> (0: control; 1..N: data-plane lanes).</summary>
    ISiloEntryGrain GetEntry(SiloAddress silo, int shard);
}
