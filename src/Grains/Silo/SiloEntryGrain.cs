using System.Buffers;
using System.Diagnostics;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Metrics;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Security;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Microsoft.Extensions.Logging;
using Grid.Tracing;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Grid.Grains.Silo;

/// <summary>
/// The silo's batch entry: data-plane batches (run by <see cref="SiloBatchExecutor"/>) on its shards 1..N, statistics,
/// analytics and cluster information on shard 0.
/// </summary>
[Reentrant]
[KeepAlive]
[SiloTargetedPlacement]
internal sealed class SiloEntryGrain(
    SiloBatchExecutor batches,
    PartitionStoreRegistry registry,
    SiloMemoryBudget budget,
    IOptions<GridSiloOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    ILocalSiloDetails silo,
    ReplicaRegistry replicas,
    SiloAnalytics analytics,
    TagIndexShardRegistry tagShards,
    HotKeys.HotKeyTracker hotKeys,
    Balancing.RebalanceControl rebalance,
    DirectEntryIdentity directEntry,
    ILogger<SiloEntryGrain> logger) : Grain, ISiloEntryGrain
{
    private readonly GridLimits _limits = options.Value.Limits;
    private readonly int _partitionCount = options.Value.PartitionCount;

    // False on an activation placed away from the silo its key names: the client's tracking slot was given by that
    // silo's near-cache hub, and this silo's stores would track the key for whichever client holds the slot here (its
    // pushes would reach another client, and this one would keep serving a copy nobody invalidates).
    private bool _onNamedSilo = true;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placed away from the silo its key names (that silo was not yet known to the placing silo, or is gone): serve
        // what reaches it untracked, and leave at once, so the next call is placed again, on the right silo. (Kept
        // alive instead, it served every call meant for the named silo and reported this silo's statistics as its; a
        // call that reaches it while it leaves may be rejected, and the client sends it again.)
        if (!NamedSilo.Hosts(silo.SiloAddress, this.GetPrimaryKeyString()))
        {
            _onNamedSilo = false;
            EntryGrainLog.Misplaced(logger, this.GetPrimaryKeyString());
            this.DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public Task<SiloBatchResult> Execute(byte[] requestFrame) => batches.Execute(requestFrame, _onNamedSilo);

    public Task<GridClusterInfo> GetClusterInfo() =>
        Task.FromResult(new GridClusterInfo(_partitionCount, _limits, clusterOptions.Value.ServiceId, clusterOptions.Value.ClusterId)
        {
            DataPlaneShards = options.Value.EffectiveDataPlaneShards,
            DirectEntryType = directEntry.GrainType,
        });

    public Task<GridSiloStatistics> CollectGarbage()
    {
        if (!options.Value.EnableDiagnostics)
        {
            throw new InvalidOperationException("Diagnostics are disabled on this silo; set Grid:EnableDiagnostics=true to allow a forced GC.");
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GetStatistics();
    }

    public Task<GridSiloAnalytics> GetAnalytics()
    {
        var statistics = Statistics();
        var (recent, hourly, now) = analytics.Snapshot();
        return Task.FromResult(new GridSiloAnalytics
        {
            Statistics = statistics,
            CapturedAtUnixMs = now,
            StartedAtUnixMs = analytics.StartedAtUnixMs,
            Recent = recent,
            Hourly = hourly,
            TagIndex = tagShards.Snapshot(),
        });
    }

    public Task<GridSiloStatistics> GetStatistics() => Task.FromResult(Statistics());

    public Task<GridHotKey[]> GetHotKeys(int top)
    {
        if (top is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(top), top, "top must be between 1 and 1024.");
        }

        return Task.FromResult(hotKeys.Enabled ? hotKeys.Snapshot(top, silo.SiloAddress.ToString()) : []);
    }

    public Task<GridRebalanceStatus> GetRebalanceStatus() => rebalance.GetStatusAsync();

    public Task<GridRebalanceSettings> ChangeRebalance(GridRebalanceChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return rebalance.ChangeAsync(change);
    }

    private GridSiloStatistics Statistics()
    {
        var totals = new StoreCounters();
        registry.Retired.AddTo(totals);
        long entries = 0;
        long expiring = 0;
        var stores = registry.All;
        foreach (var store in stores)
        {
            store.Counters.AddTo(totals);
            entries += store.Count;
            expiring += store.ExpiringCount;
        }

        return new GridSiloStatistics
        {
            Silo = silo.SiloAddress.ToParsableString(),
            Partitions = stores.Length,
            Entries = entries,
            ExpiringEntries = expiring,
            Bytes = budget.UsedBytes,
            BudgetBytes = budget.BudgetBytes,
            Hits = totals.Hits,
            Misses = totals.Misses,
            Evictions = totals.Evictions,
            Expirations = totals.Expirations,
            Operations = totals.Operations,
            GcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
            ReplicaPartitions = replicas.Count,
            ReplicaEntries = replicas.Entries,
            ReplicaBytes = replicas.Bytes,
        };
    }
}
