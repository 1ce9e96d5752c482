using System.Collections.Immutable;
using Orleans.Runtime;

namespace Grid.Core.Tests.Support;

/// <summary>Membership (and the local silo's details) with every listed silo active; a removed silo is dead.</summary>
internal sealed class FakeMembership : IClusterMembershipService, ILocalSiloDetails
{
    private ClusterMembershipSnapshot _snapshot;
    private long _version = 1;

    public FakeMembership(SiloAddress local, params SiloAddress[] silos)
    {
        SiloAddress = local;
        _snapshot = new ClusterMembershipSnapshot(
            silos.ToImmutableDictionary(s => s, s => new ClusterMember(s, SiloStatus.Active, s.ToString())),
            new MembershipVersion(_version));
    }

    public ClusterMembershipSnapshot CurrentSnapshot => Volatile.Read(ref _snapshot);

    public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

    public string Name => "local";

    public string ClusterId => "test";

    public string DnsHostName => "localhost";

    public SiloAddress SiloAddress { get; }

    public SiloAddress GatewayAddress => SiloAddress;

    public void Remove(SiloAddress silo)
    {
        var members = CurrentSnapshot.Members.SetItem(silo, new ClusterMember(silo, SiloStatus.Dead, silo.ToString()));
        Volatile.Write(ref _snapshot, new ClusterMembershipSnapshot(members, new MembershipVersion(Interlocked.Increment(ref _version))));
    }

    public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();
}
