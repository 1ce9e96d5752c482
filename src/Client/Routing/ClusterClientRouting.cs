using System.Net;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>
/// The router's view of a real cluster, through an Orleans cluster client. A silo's data-plane lanes reach its direct
/// entry service at the silo's own gateway when the cluster has one (<see cref="UseDirectEntry"/>) and the client's
/// Orleans runtime knows that gateway (<see cref="DirectRoute"/>); otherwise, and for everything else, its entry grain.
/// </summary>
internal sealed class ClusterClientRouting(IClusterClient client) : IRoutingCluster
{
    private readonly Lock _gate = new();
    private readonly Dictionary<SiloAddress, DirectRoute> _routes = [];
    private readonly IGatewayListProvider? _gateways = client.ServiceProvider.GetService<IGatewayListProvider>();

    // How often the client's runtime re-reads its gateway list: 1 s under AddGridCache, Orleans' default a minute.
    private readonly TimeSpan _refreshPeriod = client.ServiceProvider.GetService<IOptions<GatewayOptions>>()?.Value.GatewayListRefreshPeriod ?? TimeSpan.FromMinutes(1);
    private GrainType? _directEntryType;
    private bool _readOnce;

    public async Task<Dictionary<SiloAddress, SiloStatus>> GetHostsAsync()
    {
        var entries = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).ConfigureAwait(false);
        var hosts = new Dictionary<SiloAddress, SiloStatus>(entries.Length);
        foreach (var entry in entries)
        {
            hosts[entry.SiloAddress] = entry.Status;
        }

        if (_gateways is not null)
        {
            var listed = await _gateways.GetGatewaysAsync().ConfigureAwait(false);
            NoteGateways(entries, listed, Environment.TickCount64);
        }

        return hosts;
    }

    /// <summary>Records which silos' gateways the client's gateway list provider lists, and since when.</summary>
    private void NoteGateways(MembershipEntry[] entries, IList<Uri> listed, long now)
    {
        var gateways = new HashSet<IPEndPoint>(listed.Count);
        foreach (var uri in listed)
        {
            if (IPAddress.TryParse(uri.Host, out var address))
            {
                gateways.Add(new IPEndPoint(address, uri.Port));
            }
        }

        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (entry.ProxyPort <= 0)
                {
                    continue;
                }

                var gateway = new IPEndPoint(entry.SiloAddress.Endpoint.Address, entry.ProxyPort);
                bool isListed = gateways.Contains(gateway);
                if (_routes.TryGetValue(entry.SiloAddress, out var route))
                {
                    route.Seen(isListed, now);
                }
                else
                {
                    // Two refreshes: by then the runtime's gateway manager surely read a newly listed gateway. The
                    // gateways of the first read count as read already when the runtime re-reads every second (it
                    // connected with a list at most that old); with a slower refresh they wait too.
                    long listedFor = (long)Math.Max(DirectRoute.DefaultListedFor, 2 * _refreshPeriod.TotalMilliseconds);
                    bool readAlready = !_readOnce && _refreshPeriod <= TimeSpan.FromSeconds(1);
                    _routes[entry.SiloAddress] = new DirectRoute(SiloAddress.New(gateway, 0), isListed, readAlready ? now - listedFor : now, listedFor);
                }
            }

            _readOnce = true;
        }
    }

    public void UseDirectEntry(string? grainType)
    {
        lock (_gate)
        {
            _directEntryType = grainType is null ? null : GrainType.Create(grainType);
        }
    }

    // The silo's entry grain keyed "{silo address}#{shard}" (placed on that silo).
    public ISiloEntryGrain GetEntry(SiloAddress silo, int shard)
    {
        var grain = client.GetGrain<ISiloEntryGrain>(silo.ToParsableString() + "#" + shard.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (shard == 0)
        {
            return grain;
        }

        DirectRoute? route;
        GrainType type;
        lock (_gate)
        {
            if (_directEntryType is not { } known || !_routes.TryGetValue(silo, out route))
            {
                return grain;
            }

            type = known;
        }

        var direct = client.GetGrain<ISiloDirectEntry>(SystemTargetGrainId.Create(type, route.Gateway).GrainId);
        return new DirectSiloEntry(grain, direct, shard, route);
    }
}
