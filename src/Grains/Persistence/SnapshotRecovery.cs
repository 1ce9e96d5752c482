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
/// are placed afresh when the cluster restarts. Silos that join after the partition activated are not asked; an active
/// silo that does not answer is asked again and, still silent, fails the activation (<see cref="ActiveSiloAsks"/>): a
/// file older than its would bring back entries removed since.
/// </summary>
internal sealed partial class SnapshotRecovery
{
    private readonly PartitionSnapshots _snapshots;
    private readonly ClusterView _view;
    private readonly Func<SiloAddress, ISnapshotPeerGrain> _peerOf;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;

    public SnapshotRecovery(PartitionSnapshots snapshots, ClusterView view, IGrainFactory grains, IOptions<GridSiloOptions> options, ILogger<SnapshotRecovery> logger)
        : this(snapshots, view, silo => grains.GetGrain<ISnapshotPeerGrain>(silo.ToParsableString()), options, logger)
    {
    }

    /// <summary>Asks other silos through <paramref name="peerOf"/> (tests).</summary>
    internal SnapshotRecovery(PartitionSnapshots snapshots, ClusterView view, Func<SiloAddress, ISnapshotPeerGrain> peerOf, IOptions<GridSiloOptions> options, ILogger<SnapshotRecovery> logger)
    {
        _snapshots = snapshots;
        _view = view;
        _peerOf = peerOf;
        _logger = logger;
        _timeout = options.Value.Replication.RecoveryTimeout;
    }

    /// <summary>Loads the newest file of <paramref name="store"/>'s partition into it (a new, empty store); false when no silo has one.</summary>
    public async Task<bool> RestoreAsync(PartitionStore store)
    {
        if (!_snapshots.Enabled)
        {
            return false;
        }

        int partition = store.Partition;
        var own = _snapshots.TryLoad(partition, out _);
        long newest = own?.WrittenAtMs ?? -1;
        SiloAddress? newestSilo = null;
        var answers = await ActiveSiloAsks.AskAsync(_view, partition, "a newer snapshot file", silo => _peerOf(silo).GetWrittenAt(partition), _timeout, _logger).ConfigureAwait(false);
        foreach (var (silo, writtenAt) in answers)
        {
            if (writtenAt > newest)
            {
                newest = writtenAt;
                newestSilo = silo;
            }
        }

        if (newestSilo is not null && await FetchAsync(newestSilo, partition).ConfigureAwait(false) is { } fetched)
        {
            _snapshots.Restore(store, fetched, $"silo {newestSilo}", fromThisSilo: false);
            return true;
        }

        if (own is null)
        {
            return false;
        }

        _snapshots.Restore(store, own, _snapshots.FileOf(partition)!, fromThisSilo: true);
        return true;
    }

    private async Task<SnapshotFile?> FetchAsync(SiloAddress silo, int partition)
    {
        try
        {
            byte[]? bytes = await _peerOf(silo).GetFile(partition).WaitAsync(_timeout).ConfigureAwait(false);
            return bytes is null ? null : _snapshots.Parse(bytes, partition, $"silo {silo}");
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
        {
            // The newest file is on a silo still active: an older file instead would bring back entries removed since.
            if (_view.Current.Contains(silo))
            {
                throw new SilentSiloException($"Partition {partition} did not activate: its newest snapshot file, on silo {silo}, could not be fetched within {_timeout.TotalSeconds:0.###} s (Grid:Replication:RecoveryTimeout), and that silo is still active.", ex);
            }

            LogFetchFailed(_logger, ex, partition, silo);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: silo {Silo} left before its snapshot file of it was fetched; loading the newest other one")]
    private static partial void LogFetchFailed(ILogger logger, Exception error, int partition, SiloAddress silo);
}
