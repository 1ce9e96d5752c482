using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Microsoft.Extensions.Hosting;

namespace Grid.Grains.Metrics;

/// <summary>
/// The silo's analytics recorder: every 10 seconds (and whenever they are read) it turns the stores' cumulative
/// counters and the latency recorder into the buckets of its <see cref="AnalyticsRing"/>. Bounded: 60 recent buckets
/// and 24 hour buckets, each with a fixed-size latency histogram.
/// </summary>
internal sealed class SiloAnalytics(PartitionStoreRegistry registry, LatencyRecorder latency, GridClock clock) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly AnalyticsRing _ring = new();

    /// <summary>When recording began, Unix time in milliseconds.</summary>
    public long StartedAtUnixMs { get; } = clock.NowMs;

    /// <summary>Closes the current figures into the buckets of now.</summary>
    public void Advance()
    {
        var totals = ReadTotals();
        lock (_gate)
        {
            _ring.Advance(clock.NowMs, totals);
        }
    }

    /// <summary>The recent and hourly series up to now (the figures since the last tick included).</summary>
    public (GridAnalyticsBucket[] Recent, GridAnalyticsBucket[] Hourly, long NowMs) Snapshot()
    {
        var totals = ReadTotals();
        lock (_gate)
        {
            long now = clock.NowMs;
            _ring.Advance(now, totals);
            return (_ring.Recent.Snapshot(now, StartedAtUnixMs), _ring.Hourly.Snapshot(now, StartedAtUnixMs), now);
        }
    }

    /// <summary>The silo's cumulative counters: its live stores', those of stores that left, and the latencies.</summary>
    public StoreCounters ReadCounters()
    {
        var totals = new StoreCounters();
        registry.Retired.AddTo(totals);
        foreach (var store in registry.All)
        {
            store.Counters.AddTo(totals);
        }

        return totals;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(AnalyticsRing.RecentBucketMs), clock.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Advance();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private AnalyticsTotals ReadTotals()
    {
        var counters = ReadCounters();
        var counts = new long[GridLatencyHistogram.BucketCount];
        long sum = latency.Snapshot(counts);
        return new AnalyticsTotals(counters.Operations, counters.Hits, counters.Misses, counters.Evictions, counters.Expirations, sum, counts);
    }
}
