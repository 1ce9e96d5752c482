using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grid.Protocol;

namespace Grid.Client.Metrics;

/// <summary>
/// The client library's instruments, on one process-wide meter <c>Grid</c>, named <c>grid.client.*</c>. Counts are
/// read from each live cache's own (striped) counters by observable instruments, so the hot path only pays for them
/// what <see cref="IGridCache.GetStatistics"/> already paid; the duration histogram is recorded only while a listener
/// is on. Caches that are disposed keep contributing their final counts, so counters never go back.
/// </summary>
internal static class GridClientMetrics
{
    /// <summary>The meter name of Grid's instruments (client and silo).</summary>
    public const string MeterName = "Grid";

    public const string LevelL1 = "l1";
    public const string LevelGrid = "grid";

    // Layout of a counter snapshot: operations (kind × outcome), then the single counters.
    private static readonly int Ops = OperationKinds.Count * 2;
    private static readonly int L1Hits = Ops;
    private static readonly int L1Misses = Ops + 1;
    private static readonly int GridHits = Ops + 2;
    private static readonly int GridMisses = Ops + 3;
    private static readonly int Promotions = Ops + 4;
    private static readonly int InvalidationsReceived = Ops + 5;
    private static readonly int PartitionsDropped = Ops + 6;
    private static readonly int Clears = Ops + 7;
    private static readonly int Width = Ops + 8;

    private static readonly Lock Gate = new();
    private static readonly List<GridCache> Live = [];
    private static readonly List<IWriteBehindQueue> Queues = [];
    private static readonly long[] Retired = new long[Width];
    private static readonly KeyValuePair<string, object?>[] OperationTags = BuildTags("operation", OperationKinds.Names);

    public static readonly Meter Meter = new(new MeterOptions(MeterName) { Version = typeof(GridClientMetrics).Assembly.GetName().Version?.ToString(3) });

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "grid.client.duration", "ms", "Duration of cache operations as the caller sees them, by operation and level (l1: near-cache hit; grid: a round trip, retries included).");

    static GridClientMetrics()
    {
        Meter.CreateObservableCounter("grid.client.operations", ObserveOperations, "{operation}", "Operations sent to the grid, by kind (operation) and outcome (ok, error).");
        Meter.CreateObservableCounter("grid.client.hits", () => ObserveLevels(L1Hits, GridHits), "{read}", "Reads that found a value, by level (l1: the near cache; grid).");
        Meter.CreateObservableCounter("grid.client.misses", () => ObserveLevels(L1Misses, GridMisses), "{read}", "Reads that found no value, by level (l1: went on to the grid; grid: the key is absent).");
        Meter.CreateObservableCounter("grid.client.near_cache.promotions", () => Snapshot()[Promotions], "{entry}", "Values read from the grid and kept in the near cache.");
        Meter.CreateObservableCounter("grid.client.invalidations", ObserveInvalidations, "{invalidation}", "Near-cache invalidations, by kind (received: pushes of keys and partitions from silos; partition_dropped; cleared).");
        Meter.CreateObservableGauge("grid.client.near_cache.entries", () => Sum(c => c.GetNearCacheSize().Entries), "{entry}", "Entries in the near caches.");
        Meter.CreateObservableGauge("grid.client.near_cache.bytes", () => Sum(c => c.GetNearCacheSize().Bytes), "By", "Value bytes in the near caches.");
        Meter.CreateObservableGauge("grid.client.write_behind.queue_depth", QueueDepth, "{write}", "Writes queued by write-behind caches and not yet saved to their store.");
    }

    /// <summary>Starts counting a cache (its counters are read until it is disposed, then kept).</summary>
    public static void Register(GridCache cache)
    {
        lock (Gate)
        {
            Live.Add(cache);
        }
    }

    /// <summary>A cache is disposed: its final counts stay in the totals.</summary>
    public static void Unregister(GridCache cache)
    {
        lock (Gate)
        {
            if (Live.Remove(cache))
            {
                AddCounts(cache, Retired);
            }
        }
    }

    public static void Register(IWriteBehindQueue queue)
    {
        lock (Gate)
        {
            Queues.Add(queue);
        }
    }

    public static void Unregister(IWriteBehindQueue queue)
    {
        lock (Gate)
        {
            Queues.Remove(queue);
        }
    }

    /// <summary>Records a duration since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp()"/>).</summary>
    public static void RecordDuration(int kind, string level, long startTimestamp)
    {
        double ms = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        Duration.Record(ms, OperationTags[kind], new KeyValuePair<string, object?>("level", level));
    }

    /// <summary>A near-cache hit of a get took from <paramref name="startTimestamp"/> to now.</summary>
    public static void RecordNearHit(long startTimestamp) => RecordDuration(OperationKinds.IndexOf(OpCode.Get), LevelL1, startTimestamp);

    private static long[] Snapshot()
    {
        var totals = new long[Width];
        lock (Gate)
        {
            Array.Copy(Retired, totals, Width);
            foreach (var cache in Live)
            {
                AddCounts(cache, totals);
            }
        }

        return totals;
    }

    private static void AddCounts(GridCache cache, long[] into)
    {
        cache.OperationMetrics.Counts.AddTo(into, 0);
        var s = cache.GetStatistics();
        into[L1Hits] += s.NearCacheHits;
        into[L1Misses] += s.NearCacheMisses;
        into[GridHits] += s.GridHits;
        into[GridMisses] += s.GridMisses;
        into[Promotions] += s.Promotions;
        into[InvalidationsReceived] += s.InvalidationsReceived;
        into[PartitionsDropped] += s.PartitionsDropped;
        into[Clears] += s.Clears;
    }

    private static long Sum(Func<GridCache, long> of)
    {
        long sum = 0;
        lock (Gate)
        {
            foreach (var cache in Live)
            {
                sum += of(cache);
            }
        }

        return sum;
    }

    private static long QueueDepth()
    {
        long sum = 0;
        lock (Gate)
        {
            foreach (var queue in Queues)
            {
                sum += queue.Pending;
            }
        }

        return sum;
    }

    private static IEnumerable<Measurement<long>> ObserveOperations()
    {
        var totals = Snapshot();
        var measurements = new List<Measurement<long>>();
        for (int kind = 0; kind < OperationKinds.Count; kind++)
        {
            for (int outcome = 0; outcome < 2; outcome++)
            {
                long value = totals[(kind * 2) + outcome];
                if (value != 0)
                {
                    measurements.Add(new Measurement<long>(value, OperationTags[kind], new KeyValuePair<string, object?>("outcome", outcome == ClientOperationMetrics.Ok ? "ok" : "error")));
                }
            }
        }

        return measurements;
    }

    private static Measurement<long>[] ObserveLevels(int l1, int grid)
    {
        var totals = Snapshot();
        return
        [
            new(totals[l1], new KeyValuePair<string, object?>("level", LevelL1)),
            new(totals[grid], new KeyValuePair<string, object?>("level", LevelGrid)),
        ];
    }

    private static Measurement<long>[] ObserveInvalidations()
    {
        var totals = Snapshot();
        return
        [
            new(totals[InvalidationsReceived], new KeyValuePair<string, object?>("kind", "received")),
            new(totals[PartitionsDropped], new KeyValuePair<string, object?>("kind", "partition_dropped")),
            new(totals[Clears], new KeyValuePair<string, object?>("kind", "cleared")),
        ];
    }

    private static KeyValuePair<string, object?>[] BuildTags(string name, string[] values)
    {
        var tags = new KeyValuePair<string, object?>[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            tags[i] = new KeyValuePair<string, object?>(name, values[i]);
        }

        return tags;
    }
}

/// <summary>A write-behind queue whose depth the metrics report.</summary>
internal interface IWriteBehindQueue
{
    long Pending { get; }
}
