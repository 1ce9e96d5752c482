using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>
/// Brings a partition back from its replica when it activates without arriving state (its silo died, or a hand-off
/// failed): asks this silo and every other active silo for their replica's version, and takes the newest. The asks of
/// partitions activating together go to each silo in one call (<see cref="ReplicaVersionAsks"/>), so a cold cluster's
/// thousand activations cost a few calls per silo, not one per partition per silo. Takes nothing away: the replica on
/// this silo stays until the activation registers its store (<see cref="PartitionStoreRegistry.TakeOverFromReplica"/>),
/// so an activation Orleans abandons half-way leaves the entries where the next one finds them.
/// <para>
/// A silo that does not answer is never taken to hold nothing while it is still active: it may hold the newest replica,
/// the only copy of writes acknowledged since the others'. It is asked again and, still active and silent, fails the
/// activation (<see cref="ActiveSiloAsks"/>; the ops are sent again, and the next activation asks again). A silo that
/// left meanwhile took its replica with it and is not waited for.
/// </para>
/// </summary>
internal sealed partial class ReplicaRecovery : IReplicaRecovery
{
    /// <summary>Added to a promoted replica's version, so anything the dead primary might still have sent is older.</summary>
    public const long PromotionVersionGap = 1L << 32;

    private readonly GridReplicationOptions _options;
    private readonly ReplicaRegistry _replicas;
    private readonly ClusterView _view;
    private readonly ReplicaVersionAsks _versionAsks;
    private readonly Func<SiloAddress, ISiloAgentGrain> _agentOf;
    private readonly ILogger _logger;

    public ReplicaRecovery(IOptions<GridSiloOptions> options, ReplicaRegistry replicas, ClusterView view, ReplicaVersionAsks versionAsks, IGrainFactory grains, ILogger<ReplicaRecovery> logger)
        : this(options, replicas, view, versionAsks, silo => grains.GetGrain<ISiloAgentGrain>(silo.ToParsableString()), logger)
    {
    }

    /// <summary>Fetches replicas through <paramref name="agentOf"/> (tests).</summary>
    internal ReplicaRecovery(IOptions<GridSiloOptions> options, ReplicaRegistry replicas, ClusterView view, ReplicaVersionAsks versionAsks, Func<SiloAddress, ISiloAgentGrain> agentOf, ILogger<ReplicaRecovery> logger)
    {
        _options = options.Value.Replication;
        _replicas = replicas;
        _view = view;
        _versionAsks = versionAsks;
        _agentOf = agentOf;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<RecoveredPartition?> RecoverAsync(int partition)
    {
        // Asked also without replicas: the partition may have parked its entries on a silo when it was deactivated in
        // place there, or left a hand-off copy where it migrated to (HandOffCopies), and this activation may be elsewhere.
        SiloAddress? best = null;
        long bestVersion = _replicas.VersionOf(partition);
        var holders = new List<SiloAddress>();
        var answers = await ActiveSiloAsks.AskAsync(_view, partition, "a newer replica", silo => _versionAsks.AskAsync(silo, partition), _options.RecoveryTimeout, _logger).ConfigureAwait(false);
        foreach (var (silo, version) in answers)
        {
            if (version < 0)
            {
                continue;
            }

            holders.Add(silo);
            if (version > bestVersion)
            {
                best = silo;
                bestVersion = version;
            }
        }

        if (bestVersion < 0)
        {
            return null;
        }

        var snapshot = best is null
            ? _replicas.Snapshot(partition)
            : await _agentOf(best).GetReplica(partition).WaitAsync(_options.RecoveryTimeout).ConfigureAwait(false);

        return Promote(partition, snapshot, best, holders);
    }

    private RecoveredPartition? Promote(int partition, StoreSnapshot? snapshot, SiloAddress? from, List<SiloAddress> holders)
    {
        if (snapshot is null)
        {
            return null;
        }

        snapshot.Version += PromotionVersionGap;
        LogRecovered(_logger, partition, snapshot.Records.Length + snapshot.Structures.Length, from?.ToString() ?? "this silo");
        return new RecoveredPartition(snapshot, holders);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Partition} recovered {Entries} entries from the replica on {Holder}")]
    private static partial void LogRecovered(ILogger logger, int partition, int entries, string holder);
}

/// <summary>A partition's entries taken from the newest replica, and every silo that held a replica of it.</summary>
internal sealed record RecoveredPartition(StoreSnapshot Snapshot, IReadOnlyList<SiloAddress> Holders);
