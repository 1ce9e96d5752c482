using Grid.Client.Routing;
using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Client.Tests.Fakes;

/// <summary>A cluster for <see cref="PartitionRouter"/>: a membership the test sets, and a fake entry per silo.</summary>
internal sealed class FakeRoutingCluster : IRoutingCluster
{
    private readonly Lock _gate = new();
    private readonly Dictionary<SiloAddress, FakeSiloEntryGrain> _entries = [];
    private Dictionary<SiloAddress, SiloStatus> _hosts = [];

    /// <summary>The fake entry of <paramref name="silo"/> (the same one the router's channel calls).</summary>
    public FakeSiloEntryGrain this[SiloAddress silo]
    {
        get
        {
            lock (_gate)
            {
                if (!_entries.TryGetValue(silo, out var entry))
                {
                    entry = new FakeSiloEntryGrain();
                    _entries[silo] = entry;
                }

                return entry;
            }
        }
    }

    /// <summary>Sets what membership answers from now on.</summary>
    public void SetHosts(params (SiloAddress Silo, SiloStatus Status)[] hosts)
    {
        var table = new Dictionary<SiloAddress, SiloStatus>();
        foreach (var (silo, status) in hosts)
        {
            table[silo] = status;
        }

        lock (_gate)
        {
            _hosts = table;
        }
    }

    public Task<Dictionary<SiloAddress, SiloStatus>> GetHostsAsync()
    {
        lock (_gate)
        {
            return Task.FromResult(new Dictionary<SiloAddress, SiloStatus>(_hosts));
        }
    }

    public ISiloEntryGrain GetEntry(SiloAddress silo, int shard) => this[silo];
}
