using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grid.Grains.HotKeys;
using Grid.Grains.Balancing;
using Grid.Grains.Memory;
using Grid.Grains.NearCache;
using Grid.Grains.Partitions;
using Grid.Grains.Persistence;
using Grid.Grains.Replication;
using Grid.Protocol;
using Microsoft.Extensions.Hosting;

namespace Grid.Grains.Metrics;

/// <summary>
/// The silo's instruments on meter <c>Grid</c> (<see cref="MeterName"/>), all named <c>grid.silo.*</c>. Counts come
/// from counters the silo keeps anyway (per-store counters under each store's lock, striped counters elsewhere) through
/// observable instruments, so nothing is added to the hot path except the batch duration histogram, recorded only
/// while a listener is on. Every instrument is listed in the README's Observability section.
/// </summary>
internal sealed class GridSiloMetrics : IHostedService
{
    /// <summary>The meter name of Grid's instruments (client and silo).</summary>
    public const string MeterName = "Grid";

    private readonly Histogram<double> _batchDuration;
    private readonly LatencyRecorder _latency;
    private long _replicaReads;

    public GridSiloMetrics(
        IMeterFactory meterFactory,
        PartitionStoreRegistry registry,
        SiloMemoryBudget budget,
        InvalidationHub hub,
        ReplicaRegistry replicas,
        TagIndexShardRegistry tags,
        SiloAnalytics analytics,
        LatencyRecorder latency,
        HotKeyTracker hotKeys,
        RebalanceProgress rebalance,
        RebalanceSteering steering,
        PartitionSnapshots snapshots)
    {
        _latency = latency;
        Meter = meterFactory.Create(new MeterOptions(MeterName) { Version = typeof(GridSiloMetrics).Assembly.GetName().Version?.ToString(3) });
        var m = Meter;

        // Size.
        m.CreateObservableGauge("grid.silo.entries", () => Entries(registry), "{entry}", "Entries held by the silo's partitions (replicas not included).");
        m.CreateObservableGauge("grid.silo.bytes", () => budget.UsedBytes, "By", "Bytes accounted against the silo's memory budget.");
        m.CreateObservableGauge("grid.silo.budget_bytes", () => budget.BudgetBytes, "By", "The silo's memory budget (Grid:MaxMemoryBytes).");
        m.CreateObservableGauge("grid.silo.partitions", () => registry.All.Length, "{partition}", "Partitions live on the silo.");

        // Traffic.
        m.CreateObservableCounter("grid.silo.operations", () => ByKind(analytics), "{operation}", "Operations executed by the silo's stores, by kind (tag operation).");
        m.CreateObservableCounter("grid.silo.hits", () => analytics.ReadCounters().Hits, "{read}", "Reads that found their key.");
        m.CreateObservableCounter("grid.silo.misses", () => analytics.ReadCounters().Misses, "{read}", "Reads that did not find their key.");
        _batchDuration = m.CreateHistogram<double>("grid.silo.batch.duration", "ms", "Time the silo took to answer a batch of operations, replication wait included.");

        // Removals.
        m.CreateObservableCounter("grid.silo.evictions", () => analytics.ReadCounters().Evictions, "{entry}", "Entries evicted to stay within the memory budget.");
        m.CreateObservableCounter("grid.silo.expirations", () => analytics.ReadCounters().Expirations, "{entry}", "Entries removed because their time to live ran out.");
        m.CreateObservableCounter("grid.silo.deletions", () => analytics.ReadCounters().Deletions, "{entry}", "Entries removed by operations (removes; hashes and lists that lost their last element).");
        m.CreateObservableCounter("grid.silo.invalidations", () => Invalidations(analytics), "{entry}", "Entries removed by invalidations, by cause (tag, pattern).");

        // Near cache coherence.
        m.CreateObservableGauge("grid.silo.near_cache.tracked_keys", () => hub.TrackedKeys, "{key}", "Keys tracked for clients' near caches.");
        m.CreateObservableGauge("grid.silo.near_cache.clients", () => hub.Subscribers, "{client}", "Clients subscribed to the silo's invalidations.");
        m.CreateObservableCounter("grid.silo.near_cache.invalidations", () => NearInvalidations(hub), "{key}", "Key changes pushed to clients' near caches as invalidations, by cause.");

        // Tag index.
        m.CreateObservableGauge("grid.silo.tags.index_shards", () => tags.Shards, "{shard}", "Tag index shards (grains) hosted by the silo.");
        m.CreateObservableGauge("grid.silo.tags.tags", () => tags.Totals().Tags, "{tag}", "Tags held by the silo's index shards.");
        m.CreateObservableGauge("grid.silo.tags.index_keys", () => tags.Totals().Keys, "{key}", "Tag/key pairs held by the silo's index shards.");
        m.CreateObservableGauge("grid.silo.tags.index_bytes", () => tags.Totals().Bytes, "By", "Approximate heap bytes of the silo's index shards.");

        // Hot keys (no key as a tag: keys are unbounded; `grid hotkeys` names them).
        m.CreateObservableGauge("grid.silo.hot_key.operations_per_second", () => HottestRate(hotKeys), "{operation}/s", "Estimated reads plus writes per second of the silo's hottest key (README: Hot keys).");

        // Replicas.
        m.CreateObservableGauge("grid.silo.replica.partitions", () => replicas.Count, "{partition}", "Partitions whose replica the silo keeps.");
        m.CreateObservableGauge("grid.silo.replica.entries", () => replicas.Entries, "{entry}", "Entries held in replicas.");
        m.CreateObservableGauge("grid.silo.replica.bytes", () => replicas.Bytes, "By", "Bytes held in replicas (outside the memory budget).");
        m.CreateObservableCounter("grid.silo.replica.reads", () => ReplicaReads, "{read}", "Reads of hot keys this silo answered from a replica (GridClient:ReadHotKeysFromReplicas).");

        // Rebalance (partition moves to their owners).
        m.CreateObservableGauge("grid.silo.rebalance.partitions_pending", () => rebalance.Pending, "{partition}", "Partitions of the current rebalance this silo has still to move.");
        m.CreateObservableCounter("grid.silo.rebalance.partitions_moved", () => rebalance.TotalPartitionsMoved, "{partition}", "Partitions this silo moved to their owner since it started.");
        m.CreateObservableCounter("grid.silo.rebalance.bytes_moved", () => rebalance.TotalBytesMoved, "By", "Bytes of the partitions this silo moved since it started.");
        m.CreateObservableGauge("grid.silo.rebalance.paused", () => steering.Current.Paused ? 1 : 0, "{state}", "1 while partition moves are paused (grid rebalance pause), else 0.");

        // Warm restart (Grid:Persistence; all 0 while it is off).
        var files = snapshots.Statistics;
        m.CreateObservableCounter("grid.silo.snapshot.files_written", () => files.FilesWritten, "{file}", "Partition snapshot files this silo wrote since it started.");
        m.CreateObservableCounter("grid.silo.snapshot.bytes_written", () => files.BytesWritten, "By", "Bytes of the snapshot files this silo wrote since it started.");
        m.CreateObservableCounter("grid.silo.snapshot.write_failures", () => files.WriteFailures, "{file}", "Snapshot files that could not be written (each logged with its reason).");
        m.CreateObservableCounter("grid.silo.snapshot.damaged_files", () => files.DamagedFiles, "{file}", "Snapshot files found truncated, corrupt or of another format or cluster, and skipped.");
        m.CreateObservableCounter("grid.silo.snapshot.entries_restored", () => files.EntriesRestored, "{entry}", "Entries partitions took from snapshot files when they activated.");
        m.CreateObservableGauge("grid.silo.snapshot.longest_pause", () => files.LongestPauseMs, "ms", "Longest time a partition's lock was held to copy its entries for a file, since the silo started.");
    }

    public Meter Meter { get; }

    private static double HottestRate(HotKeyTracker hotKeys) =>
        hotKeys.Enabled && hotKeys.Snapshot(1, "") is [var hottest] ? hottest.OperationsPerSecond : 0;

    /// <summary>Hot keys' reads this silo answered from replicas since it started.</summary>
    public long ReplicaReads => Volatile.Read(ref _replicaReads);

    /// <summary>Counts a hot key's read answered from this silo's replica of its partition.</summary>
    public void ReplicaReadServed() => Interlocked.Increment(ref _replicaReads);

    /// <summary>A batch of <paramref name="operations"/> operations began at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp()"/>) and was answered now.</summary>
    public void RecordBatch(long startTimestamp, int operations)
    {
        long elapsed = Stopwatch.GetTimestamp() - startTimestamp;
        _latency.Record(elapsed, operations);
        if (_batchDuration.Enabled)
        {
            _batchDuration.Record(elapsed * 1000.0 / Stopwatch.Frequency);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static long Entries(PartitionStoreRegistry registry)
    {
        long entries = 0;
        foreach (var store in registry.All)
        {
            entries += store.Count;
        }

        return entries;
    }

    private static IEnumerable<Measurement<long>> ByKind(SiloAnalytics analytics)
    {
        var counters = analytics.ReadCounters();
        var measurements = new List<Measurement<long>>();
        for (int i = 0; i < counters.ByKind.Length; i++)
        {
            if (counters.ByKind[i] != 0)
            {
                measurements.Add(new Measurement<long>(counters.ByKind[i], new KeyValuePair<string, object?>("operation", OperationKinds.Names[i])));
            }
        }

        return measurements;
    }

    private static Measurement<long>[] Invalidations(SiloAnalytics analytics)
    {
        var counters = analytics.ReadCounters();
        return
        [
            new(counters.TagInvalidations, new KeyValuePair<string, object?>("cause", "tag")),
            new(counters.PatternInvalidations, new KeyValuePair<string, object?>("cause", "pattern")),
        ];
    }

    private static Measurement<long>[] NearInvalidations(InvalidationHub hub)
    {
        var measurements = new Measurement<long>[InvalidationCauses.Count];
        for (int i = 0; i < measurements.Length; i++)
        {
            measurements[i] = new(hub.InvalidationsByCause[i], new KeyValuePair<string, object?>("cause", InvalidationCauses.Names[i]));
        }

        return measurements;
    }
}
