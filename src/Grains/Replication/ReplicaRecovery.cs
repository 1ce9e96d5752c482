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
/// </summary>
internal sealed partial class ReplicaRecovery(
    IOptions<GridSiloOptions> options,
    ReplicaRegistry replicas,
    ClusterView view,
    ReplicaVersionAsks versionAsks,
    IGrainFactory grains,
    ILogger<ReplicaRecovery> logger) : IReplicaRecovery
{
    /// <summary>Added to a promoted replica's version, so anything the dead primary might still have sent is older.</summary>
    public const long PromotionVersionGap = 1L << 32;

    private readonly GridReplicationOptions _options = options.Value.Replication;

    /// <inheritdoc />
    public async Task<RecoveredPartition?> RecoverAsync(int partition)
    {
        if (_options.Replicas == 0)
        {
            // No replicas elsewhere, but the partition may have parked its entries here when it was deactivated in place.
            return replicas.VersionOf(partition) < 0 ? null : Promote(partition, replicas.Snapshot(partition), null, []);
        }

        var local = view.Local;
        var silos = view.Current.Silos;
        var asks = new List<(SiloAddress Silo, Task<long> Version)>(silos.Length);
        foreach (var silo in silos)
        {
            if (!silo.Equals(local))
            {
                asks.Add((silo, versionAsks.AskAsync(silo, partition).WaitAsync(_options.RecoveryTimeout)));
            }
        }

        SiloAddress? best = null;
        long bestVersion = replicas.VersionOf(partition);
        var holders = new List<SiloAddress>();
        foreach (var (silo, ask) in asks)
        {
            long version;
            try
            {
                version = await ask.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                LogAskFailed(logger, ex, partition, silo);
                continue;
            }

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
            ? replicas.Snapshot(partition)
            : await Agent(best).GetReplica(partition).WaitAsync(_options.RecoveryTimeout).ConfigureAwait(false);

        return Promote(partition, snapshot, best, holders);
    }

    private RecoveredPartition? Promote(int partition, StoreSnapshot? snapshot, SiloAddress? from, List<SiloAddress> holders)
    {
        if (snapshot is null)
        {
            return null;
        }

        snapshot.Version += PromotionVersionGap;
        LogRecovered(logger, partition, snapshot.Records.Length + snapshot.Structures.Length, from?.ToString() ?? "this silo");
        return new RecoveredPartition(snapshot, holders);
    }

    private ISiloAgentGrain Agent(SiloAddress silo) => grains.GetGrain<ISiloAgentGrain>(silo.ToParsableString());

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Partition} recovered {Entries} entries from the replica on {Holder}")]
    private static partial void LogRecovered(ILogger logger, int partition, int entries, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: silo {Silo} did not say whether it holds a replica")]
    private static partial void LogAskFailed(ILogger logger, Exception error, int partition, SiloAddress silo);
}

/// <summary>A partition's entries taken from the newest replica, and every silo that held a replica of it.</summary>
internal sealed record RecoveredPartition(StoreSnapshot Snapshot, IReadOnlyList<SiloAddress> Holders);
