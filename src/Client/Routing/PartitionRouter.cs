using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>
/// Keeps the client's partition → silo map: the rendezvous hash over the active silos (the function the silos place
/// partitions by), corrected by the silos' "this partition lives elsewhere" answers, and re-read periodically and
/// after a failed call.
/// </summary>
internal sealed partial class PartitionRouter : IBatchListener, IDisposable
{
    private readonly IClusterClient _client;
    private readonly GridClientOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private RoutingTable _table = RoutingTable.Empty;
    private ITimer? _timer;
    private int _refreshing;

    public PartitionRouter(IClusterClient client, GridClientOptions options, ILogger logger)
    {
        _client = client;
        _options = options;
        _logger = logger;
    }

    public RoutingTable Table => Volatile.Read(ref _table);

    /// <summary>The cluster's MaxKeysPerCall once connected (batches are cut to it).</summary>
    public int MaxOpsPerCall { get; set; } = int.MaxValue;

    /// <summary>Called after the set of silos changed (outside the router's lock).</summary>
    public Action<RoutingTable>? SilosChanged { get; set; }

    /// <summary>Reads the active silos and rebuilds the map if they changed; gives up on calls out to silos declared dead.</summary>
    public async Task RefreshAsync()
    {
        var hosts = await _client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false).ConfigureAwait(false);
        var active = new List<SiloAddress>(hosts.Count);
        foreach (var (silo, status) in hosts)
        {
            if (status == SiloStatus.Active)
            {
                active.Add(silo);
            }
        }

        var previous = Table.Silos;
        Apply(active);
        AbandonDead(previous, hosts);
    }

    /// <summary>Starts the periodic refresh.</summary>
    public void Start()
    {
        _timer ??= TimeProvider.System.CreateTimer(_ => TriggerRefresh(), null, _options.RoutingRefreshInterval, _options.RoutingRefreshInterval);
    }

    public void Dispose()
    {
        _disposed = true;
        _timer?.Dispose();
    }

    internal void Apply(ICollection<SiloAddress> activeSilos)
    {
        var silos = new List<SiloAddress>(activeSilos);
        silos.Sort((a, b) => string.CompareOrdinal(a.ToParsableString(), b.ToParsableString()));
        RoutingTable changed;
        lock (_gate)
        {
            var old = _table;
            if (SameSilos(old.Silos, silos))
            {
                return;
            }

            var channels = new SiloChannel[silos.Count];
            var seeds = new ulong[silos.Count];
            for (int i = 0; i < channels.Length; i++)
            {
                channels[i] = Find(old.Silos, silos[i]) ?? CreateChannel(silos[i]);
                seeds[i] = PartitionOwnership.SiloSeed(silos[i].ToParsableString());
            }

            var byPartition = channels.Length == 0 ? [] : new SiloChannel[_options.PartitionCount];
            for (int p = 0; p < byPartition.Length; p++)
            {
                byPartition[p] = channels[PartitionOwnership.Owner(seeds, p)];
            }

            changed = new RoutingTable(channels, byPartition);
            Volatile.Write(ref _table, changed);
            LogRoutingChanged(_logger, channels.Length);
        }

        SilosChanged?.Invoke(changed);
    }

    public void OnPartitionsMoved(PartitionLocation[] moved)
    {
        bool unknownSilo = false;
        lock (_gate)
        {
            var table = _table;
            if (table.ByPartition.Length == 0)
            {
                return;
            }

            var byPartition = (SiloChannel[])table.ByPartition.Clone();
            foreach (var location in moved)
            {
                if (Find(table.Silos, location.Silo) is { } channel && (uint)location.Partition < (uint)byPartition.Length)
                {
                    byPartition[location.Partition] = channel;
                }
                else
                {
                    unknownSilo = true;
                }
            }

            Volatile.Write(ref _table, new RoutingTable(table.Silos, byPartition));
        }

        if (unknownSilo)
        {
            TriggerRefresh();
        }
    }

    public Exception OnBatchFailed(SiloChannel channel, Exception error)
    {
        LogBatchFailed(_logger, error, channel.Silo);
        TriggerRefresh();
        return error as GridException ?? new GridUnavailableException($"The call to silo {channel.Silo} failed: {error.Message}", error);
    }

    /// <summary>Refreshes in the background unless a refresh is already under way.</summary>
    public void TriggerRefresh()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = RefreshInBackgroundAsync();
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The periodic timer retries; callers see their own errors.
            LogRefreshFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private SiloChannel CreateChannel(SiloAddress silo)
    {
        var entry = _client.GetGrain<ISiloEntryGrain>(silo.ToParsableString() + "#0");
        return new SiloChannel(silo, entry, this, _options.MaxBatchSize, _options.MaxBatchesInFlight);
    }

    private static SiloChannel? Find(SiloChannel[] channels, SiloAddress silo)
    {
        foreach (var channel in channels)
        {
            if (channel.Silo.Equals(silo))
            {
                return channel;
            }
        }

        return null;
    }

    private static bool SameSilos(SiloChannel[] channels, List<SiloAddress> silos)
    {
        if (channels.Length != silos.Count)
        {
            return false;
        }

        for (int i = 0; i < channels.Length; i++)
        {
            if (!channels[i].Silo.Equals(silos[i]))
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid routing now spans {SiloCount} silo(s)")]
    private static partial void LogRoutingChanged(ILogger logger, int siloCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid batch call to silo {Silo} failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception error, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the Grid routing table failed; retrying on the next tick")]
    private static partial void LogRefreshFailed(ILogger logger, Exception error);
}
