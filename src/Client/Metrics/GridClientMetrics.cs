using System.Diagnostics.Metrics;

namespace Grid.Client.Metrics;

/// <summary>
/// One cache's instruments, named <c>grid.client.*</c>, on meter <c>Grid</c> (<see cref="MeterName"/>, the name
/// dashboards and the Prometheus export know) from the <see cref="IMeterFactory"/> of the DI container, or from a
/// <see cref="PrivateMeterFactory"/> the cache owns when it is built without one. Counts are read from the cache's own
/// (striped) counters by observable instruments, so the hot path only pays for them what
/// <see cref="IGridCache.GetStatistics"/> already paid; the duration histogram is recorded only while a listener is on.
/// A disposed cache keeps reporting its final counts while its meter lives (counters never go back), but no longer
/// holds on to its near cache.
/// </summary>
internal sealed class GridClientMetrics : IDisposable
{
    /// <summary>The meter name of Grid's instruments (client and silo).</summary>
    public const string MeterName = "Grid";

    public const string LevelL1 = "l1";
    public const string LevelGrid = "grid";

    // Layout of a counter snapshot: operations (kind × outcome), then the single counters.
    private static readonly int Ops = OperationKindsCount * 2;
    private static readonly int L1Hits = Ops;
    private static readonly int L1Misses = Ops + 1;
    private static readonly int GridHits = Ops + 2;
    private static readonly int GridMisses = Ops + 3;
    private static readonly int Promotions = Ops + 4;
    private static readonly int InvalidationsReceived = Ops + 5;
    private static readonly int PartitionsDropped = Ops + 6;
    private static readonly int Clears = Ops + 7;
    private static readonly int Width = Ops + 8;

    private readonly Lock _gate = new();
    private readonly List<IWriteBehindQueue> _queues = [];
    private readonly PrivateMeterFactory? _ownFactory;
    private ClientReadStatistics? _reads;
    private long[]? _final;

    /// <summary>Creates the cache's instruments on the meter <paramref name="meterFactory"/> gives (a private factory when null).</summary>
    public GridClientMetrics(IMeterFactory? meterFactory, ClientReadStatistics reads)
    {
        _reads = reads;
        if (meterFactory is null)
        {
            _ownFactory = new PrivateMeterFactory();
            meterFactory = _ownFactory;
        }

        Meter = meterFactory.Create(new MeterOptions(MeterName) { Version = typeof(GridClientMetrics).Assembly.GetName().Version?.ToString(3) });
        var duration = Meter.CreateHistogram<double>(
            "grid.client.duration", "ms", "Duration of cache operations as the caller sees them, by operation and level (l1: near-cache hit; grid: a round trip, retries included).");
        Operations = new ClientOperationMetrics(duration);
        Meter.CreateObservableCounter("grid.client.operations", ObserveOperations, "{operation}", "Operations sent to the grid, by kind (operation) and outcome (ok, error).");
        Meter.CreateObservableCounter("grid.client.hits", () => ObserveLevels(L1Hits, GridHits), "{read}", "Reads that found a value, by level (l1: the near cache; grid).");
        Meter.CreateObservableCounter("grid.client.misses", () => ObserveLevels(L1Misses, GridMisses), "{read}", "Reads that found no value, by level (l1: went on to the grid; grid: the key is absent).");
        Meter.CreateObservableCounter("grid.client.near_cache.promotions", () => Snapshot()[Promotions], "{entry}", "Values read from the grid and kept in the near cache.");
        Meter.CreateObservableCounter("grid.client.invalidations", ObserveInvalidations, "{invalidation}", "Near-cache invalidations, by kind (received: pushes of keys and partitions from silos; partition_dropped; cleared).");
        Meter.CreateObservableGauge("grid.client.near_cache.entries", () => Volatile.Read(ref _reads)?.NearCacheSize.Entries ?? 0, "{entry}", "Entries in the near caches.");
        Meter.CreateObservableGauge("grid.client.near_cache.bytes", () => Volatile.Read(ref _reads)?.NearCacheSize.Bytes ?? 0, "By", "Value bytes in the near caches.");
        Meter.CreateObservableGauge("grid.client.write_behind.queue_depth", QueueDepth, "{write}", "Writes queued by write-behind caches and not yet saved to their store.");
    }

    /// <summary>The meter the instruments are on.</summary>
    public Meter Meter { get; }

    /// <summary>The operation counters and duration histogram (the call path records into them).</summary>
    public ClientOperationMetrics Operations { get; }

    private static int OperationKindsCount => Grid.Protocol.OperationKinds.Count;

    /// <summary>Reports a write-behind queue's depth with this cache's instruments until it is untracked.</summary>
    public void Track(IWriteBehindQueue queue)
    {
        lock (_gate)
        {
            _queues.Add(queue);
        }
    }

    /// <summary>A write-behind queue is disposed.</summary>
    public void Untrack(IWriteBehindQueue queue)
    {
        lock (_gate)
        {
            _queues.Remove(queue);
        }
    }

    /// <summary>
    /// The cache is disposed: its final counts stay (for a container's meter, which outlives it), its near cache is let
    /// go; a private factory's meter is disposed with it.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_reads is not null)
            {
                _final = Snapshot();
                Volatile.Write(ref _reads, null);
            }
        }

        _ownFactory?.Dispose();
    }

    private long[] Snapshot()
    {
        lock (_gate)
        {
            if (_final is { } final)
            {
                return (long[])final.Clone();
            }

            var totals = new long[Width];
            Operations.Counts.AddTo(totals, 0);
            if (_reads is { } reads)
            {
                var s = reads.Snapshot();
                totals[L1Hits] = s.NearCacheHits;
                totals[L1Misses] = s.NearCacheMisses;
                totals[GridHits] = s.GridHits;
                totals[GridMisses] = s.GridMisses;
                totals[Promotions] = s.Promotions;
                totals[InvalidationsReceived] = s.InvalidationsReceived;
                totals[PartitionsDropped] = s.PartitionsDropped;
                totals[Clears] = s.Clears;
            }

            return totals;
        }
    }

    private long QueueDepth()
    {
        long sum = 0;
        lock (_gate)
        {
            foreach (var queue in _queues)
            {
                sum += queue.Pending;
            }
        }

        return sum;
    }

    private IEnumerable<Measurement<long>> ObserveOperations()
    {
        var totals = Snapshot();
        var measurements = new List<Measurement<long>>();
        for (int kind = 0; kind < OperationKindsCount; kind++)
        {
            for (int outcome = 0; outcome < 2; outcome++)
            {
                long value = totals[(kind * 2) + outcome];
                if (value != 0)
                {
                    measurements.Add(new Measurement<long>(value, ClientOperationMetrics.OperationTag(kind), new KeyValuePair<string, object?>("outcome", outcome == ClientOperationMetrics.Ok ? "ok" : "error")));
                }
            }
        }

        return measurements;
    }

    private Measurement<long>[] ObserveLevels(int l1, int grid)
    {
        var totals = Snapshot();
        return
        [
            new(totals[l1], new KeyValuePair<string, object?>("level", LevelL1)),
            new(totals[grid], new KeyValuePair<string, object?>("level", LevelGrid)),
        ];
    }

    private Measurement<long>[] ObserveInvalidations()
    {
        var totals = Snapshot();
        return
        [
            new(totals[InvalidationsReceived], new KeyValuePair<string, object?>("kind", "received")),
            new(totals[PartitionsDropped], new KeyValuePair<string, object?>("kind", "partition_dropped")),
            new(totals[Clears], new KeyValuePair<string, object?>("kind", "cleared")),
        ];
    }
}
