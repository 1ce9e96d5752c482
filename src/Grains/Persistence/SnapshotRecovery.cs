using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Persistence;

/// <summary>
/// Warm restart of one partition that activates with nothing (no arriving state, no replica): the newest snapshot file
/// of it among this silo's directory and those of the other active silos (asked through <see cref="ISnapshotPeerGrain"/>,
/// as <see cref="Replication.ReplicaRecovery"/> asks for replicas), so a directory per silo works although partitions
/// are placed afresh when the cluster restarts. Silos that join after the partition activated are not asked.
/// </summary>
internal sealed partial class SnapshotRecovery(
    PartitionSnapshots snapshots,
    ClusterView view,
    IGrainFactory grains,
    IOptions<GridSiloOptions> options,
    ILogger<SnapshotRecovery> logger)
{
    private readonly TimeSpan _timeout = options.Value.Replication.RecoveryTimeout;

    /// <summary>Loads the newest file of <paramref name="store"/>'s partition into it (a new, empty store); false when no silo has one.</summary>
    public async Task<bool> RestoreAsync(PartitionStore store)
    {
        if (!snapshots.Enabled)
        {
            return false;
        }

        int partition = store.Partition;
        var own = snapshots.TryLoad(partition, out _);
        long newest = own?.WrittenAtMs ?? -1;
        SiloAddress? newestSilo = null;
        var local = view.Local;
        var asks = new List<(SiloAddress Silo, Task<long> WrittenAt)>();
        foreach (var silo in view.Current.Silos)
        {
            if (!silo.Equals(local))
            {
                asks.Add((silo, Peer(silo).GetWrittenAt(partition).WaitAsync(_timeout)));
            }
        }

        foreach (var (silo, ask) in asks)
        {
            long writtenAt;
            try
            {
                writtenAt = await ask.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                LogAskFailed(logger, ex, partition, silo);
                continue;
            }

            if (writtenAt > newest)
            {
                newest = writtenAt;
                newestSilo = silo;
            }
        }

        if (newestSilo is not null && await FetchAsync(newestSilo, partition).ConfigureAwait(false) is { } fetched)
        {
            snapshots.Restore(store, fetched, $"silo {newestSilo}", fromThisSilo: false);
            return true;
        }

        if (own is null)
        {
            return false;
        }

        snapshots.Restore(store, own, snapshots.FileOf(partition)!, fromThisSilo: true);
        return true;
    }

    private async Task<SnapshotFile?> FetchAsync(SiloAddress silo, int partition)
    {
        try
        {
            byte[]? bytes = await Peer(silo).GetFile(partition).WaitAsync(_timeout).ConfigureAwait(false);
            return bytes is null ? null : snapshots.Parse(bytes, partition, $"silo {silo}");
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
        {
            LogAskFailed(logger, ex, partition, silo);
            return null;
        }
    }

    private ISnapshotPeerGrain Peer(SiloAddress silo) => grains.GetGrain<ISnapshotPeerGrain>(silo.ToParsableString());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: silo {Silo} did not say whether it has a snapshot file of it")]
    private static partial void LogAskFailed(ILogger logger, Exception error, int partition, SiloAddress silo);
}
