using System.Diagnostics.Metrics;
using Grid.Client.Metrics;
using Grid.Protocol;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Grid.Client.Tests.Metrics;

/// <summary>
/// <see cref="GridClientMetrics"/>: a cache's instruments are on meter <c>Grid</c> from the <see cref="IMeterFactory"/>
/// it is given (a private one without DI), report that cache's own counters, and no other cache's.
/// </summary>
public sealed class GridClientMetricsTests
{
    [Fact]
    public void Instruments_are_created_on_meter_Grid_from_the_given_factory()
    {
        using var factory = new RecordingMeterFactory();
        using var metrics = new GridClientMetrics(factory, new ClientReadStatistics(null));

        var options = Assert.Single(factory.Requests);
        Assert.Equal("Grid", options.Name);
        Assert.Same(factory, metrics.Meter.Scope);
    }

    [Fact]
    public void Operations_are_counted_by_kind_and_outcome()
    {
        using var factory = new RecordingMeterFactory();
        using var metrics = new GridClientMetrics(factory, new ClientReadStatistics(null));
        using var operations = new MetricCollector<long>(metrics.Meter, "grid.client.operations");

        metrics.Operations.Completed(OpCode.Set, ok: true, startTimestamp: 0);
        metrics.Operations.Completed(OpCode.Set, ok: true, startTimestamp: 0);
        metrics.Operations.Completed(OpCode.Increment, ok: false, startTimestamp: 0);
        operations.RecordObservableInstruments();

        var snapshot = operations.GetMeasurementSnapshot();
        Assert.Equal(2, snapshot.Single(m => Tag(m, "operation") == "set" && Tag(m, "outcome") == "ok").Value);
        Assert.Equal(1, snapshot.Single(m => Tag(m, "operation") == "increment" && Tag(m, "outcome") == "error").Value);
    }

    [Fact]
    public void Two_caches_report_their_own_counts()
    {
        using var factory = new RecordingMeterFactory();
        using var first = new GridClientMetrics(factory, new ClientReadStatistics(null));
        using var second = new GridClientMetrics(factory, new ClientReadStatistics(null));
        using var ofFirst = new MetricCollector<long>(first.Meter, "grid.client.operations");
        using var ofSecond = new MetricCollector<long>(second.Meter, "grid.client.operations");

        first.Operations.Completed(OpCode.Get, ok: true, startTimestamp: 0);
        ofFirst.RecordObservableInstruments();
        ofSecond.RecordObservableInstruments();

        Assert.Single(ofFirst.GetMeasurementSnapshot());
        Assert.Empty(ofSecond.GetMeasurementSnapshot());
    }

    [Fact]
    public void Grid_reads_are_counted_as_hits_and_misses_per_level()
    {
        var reads = new ClientReadStatistics(null);
        using var factory = new RecordingMeterFactory();
        using var metrics = new GridClientMetrics(factory, reads);
        using var hits = new MetricCollector<long>(metrics.Meter, "grid.client.hits");

        Assert.True(reads.CountGridRead(GridResult.OfStatus(ResultStatus.Ok)));
        Assert.False(reads.CountGridRead(GridResult.OfStatus(ResultStatus.NotFound)));
        hits.RecordObservableInstruments();

        Assert.Equal(1, hits.GetMeasurementSnapshot().Single(m => Tag(m, "level") == "grid").Value);
        Assert.Equal(0, hits.GetMeasurementSnapshot().Single(m => Tag(m, "level") == "l1").Value);
        Assert.Equal(1, reads.Snapshot().GridMisses);
    }

    [Fact]
    public void A_disposed_cache_keeps_its_final_counts_on_a_container_meter()
    {
        using var factory = new RecordingMeterFactory();
        var metrics = new GridClientMetrics(factory, new ClientReadStatistics(null));
        using var operations = new MetricCollector<long>(metrics.Meter, "grid.client.operations");
        metrics.Operations.Completed(OpCode.Remove, ok: true, startTimestamp: 0);

        metrics.Dispose();
        operations.RecordObservableInstruments();

        Assert.Equal(1, operations.GetMeasurementSnapshot().Single(m => Tag(m, "operation") == "remove").Value);
    }

    [Fact]
    public void Without_a_factory_the_cache_owns_a_private_one_and_disposes_its_meter()
    {
        var metrics = new GridClientMetrics(null, new ClientReadStatistics(null));
        Assert.Equal("Grid", metrics.Meter.Name);
        Assert.IsType<PrivateMeterFactory>(metrics.Meter.Scope);
        bool completed = false;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, metrics.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (_, _) => completed = true,
        };
        listener.Start();

        metrics.Dispose();

        Assert.True(completed);
    }

    [Fact]
    public void Write_behind_queues_are_reported_until_untracked()
    {
        using var factory = new RecordingMeterFactory();
        using var metrics = new GridClientMetrics(factory, new ClientReadStatistics(null));
        using var depth = new MetricCollector<long>(metrics.Meter, "grid.client.write_behind.queue_depth");
        var queue = new FixedQueue(7);

        metrics.Track(queue);
        depth.RecordObservableInstruments();
        Assert.Equal(7, depth.LastMeasurement!.Value);

        metrics.Untrack(queue);
        depth.RecordObservableInstruments();
        Assert.Equal(0, depth.LastMeasurement!.Value);
    }

    [Fact]
    public void Durations_are_recorded_only_while_listened_to()
    {
        using var factory = new RecordingMeterFactory();
        using var metrics = new GridClientMetrics(factory, new ClientReadStatistics(null));
        Assert.Equal(0, metrics.Operations.Start());

        using var durations = new MetricCollector<double>(metrics.Meter, "grid.client.duration");
        long started = metrics.Operations.Start();
        Assert.NotEqual(0, started);
        metrics.Operations.RecordNearHit(started);

        var hit = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal("get", hit.Tags["operation"]);
        Assert.Equal("l1", hit.Tags["level"]);
    }

    private static string? Tag<T>(CollectedMeasurement<T> measurement, string key)
        where T : struct =>
        measurement.Tags.TryGetValue(key, out var value) ? value?.ToString() : null;

    private sealed class FixedQueue(long pending) : IWriteBehindQueue
    {
        public long Pending { get; } = pending;
    }

    /// <summary>A container's meter factory as far as a cache sees it: creates meters (owned by the factory) and records what it was asked for.</summary>
    private sealed class RecordingMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public List<MeterOptions> Requests { get; } = [];

        public Meter Create(MeterOptions options)
        {
            Requests.Add(options);
            options.Scope = this;
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
