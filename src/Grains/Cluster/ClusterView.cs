using Grid.Partitioning;
using Orleans.Runtime;

namespace Grid.Grains.Cluster;

/// <summary>
/// This silo's view of the active silos (from Orleans membership), with their rendezvous seeds, and a notification when
/// it changes. Replication picks replica silos from it and the balancer picks partition owners, by the same rendezvous
/// function clients route by.
/// </summary>
internal sealed class ClusterView(IClusterMembershipService membership, ILocalSiloDetails local)
{
    private readonly Lock _gate = new();
    private Snapshot _snapshot = new(default, [], []);
    private Action[] _listeners = [];

    public SiloAddress Local => local.SiloAddress;

    /// <summary>
    /// Whether another silo is active: somewhere a stopping silo's partitions can go. A lone silo's partitions have no
    /// migration destination, and asking Orleans to migrate them anyway logs a failed placement for each one.
    /// </summary>
    public bool HasPeer
    {
        get
        {
            foreach (var silo in Current.Silos)
            {
                if (!silo.Equals(Local))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The active silos (sorted) and their seeds, as of the latest membership version.</summary>
    public Snapshot Current
    {
        get
        {
            var members = membership.CurrentSnapshot;
            var snapshot = Volatile.Read(ref _snapshot);
            if (members.Version == snapshot.Version)
            {
                return snapshot;
            }

            var silos = new List<SiloAddress>();
            foreach (var (silo, member) in members.Members)
            {
                if (member.Status == SiloStatus.Active)
                {
                    silos.Add(silo);
                }
            }

            silos.Sort((a, b) => string.CompareOrdinal(a.ToParsableString(), b.ToParsableString()));
            var seeds = new ulong[silos.Count];
            for (int i = 0; i < seeds.Length; i++)
            {
                seeds[i] = PartitionOwnership.SiloSeed(silos[i].ToParsableString());
            }

            snapshot = new Snapshot(members.Version, [.. silos], seeds);
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
    }

    /// <summary>Registers a callback run (on the membership watcher's thread; keep it short) after every membership change.</summary>
    public void Subscribe(Action onChanged)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners, onChanged];
        }
    }

    /// <summary>Called by <see cref="ClusterViewWatcher"/> for each membership update.</summary>
    public void Notify()
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener();
        }
    }

    /// <summary>The active silos at one membership version.</summary>
    public sealed class Snapshot(MembershipVersion version, SiloAddress[] silos, ulong[] seeds)
    {
        public MembershipVersion Version { get; } = version;

        public SiloAddress[] Silos { get; } = silos;

        public ulong[] Seeds { get; } = seeds;

        public bool Contains(SiloAddress silo) => IndexOf(silo) >= 0;

        public int IndexOf(SiloAddress silo)
        {
            for (int i = 0; i < Silos.Length; i++)
            {
                if (Silos[i].Equals(silo))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>The rendezvous owner of <paramref name="partition"/> among the active silos, or null when there is none.</summary>
        public SiloAddress? Owner(int partition)
        {
            int owner = PartitionOwnership.Owner(Seeds, partition);
            return owner < 0 ? null : Silos[owner];
        }

        /// <summary>
        /// Where the replica of <paramref name="partition"/>, whose primary is on <paramref name="primary"/>, goes: the
        /// highest-ranked other active silo, skipping the partition's owner when the primary is not on it (the balancer
        /// is about to move the partition there, and a replica on the primary's own silo protects nothing). Null when
        /// there is no other silo.
        /// </summary>
        public SiloAddress? ReplicaTarget(int partition, SiloAddress primary)
        {
            var owner = Owner(partition);
            if (owner is not null && !owner.Equals(primary) && BestExcept(partition, primary, owner) is { } target)
            {
                return target;
            }

            return BestExcept(partition, primary);
        }

        /// <summary>The highest-ranked active silo for <paramref name="partition"/> other than the excluded ones, or null.</summary>
        public SiloAddress? BestExcept(int partition, SiloAddress excluded, SiloAddress? alsoExcluded = null)
        {
            int best = -1;
            ulong bestWeight = 0;
            for (int i = 0; i < Silos.Length; i++)
            {
                if (Silos[i].Equals(excluded) || Silos[i].Equals(alsoExcluded))
                {
                    continue;
                }

                ulong weight = PartitionOwnership.Weight(Seeds[i], partition);
                if (best < 0 || weight > bestWeight)
                {
                    best = i;
                    bestWeight = weight;
                }
            }

            return best < 0 ? null : Silos[best];
        }
    }
}
