using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Grid.Cluster.Tests.Metrics;

/// <summary>
/// Listens to every instrument of meter <c>Grid</c> in this process (both test silos' and the client library's) and
/// keeps what they report: the last value of each observable instrument per tag set and source, and every recorded
/// measurement of the others.
/// </summary>
internal sealed class GridMeterListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Tags), double> _observed = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, string> Tags)> _recorded = new();

    public GridMeterListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Grid")
            {
                Instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The instruments seen so far, by name (one of each name; several silos may each have theirs).</summary>
    public ConcurrentDictionary<string, Instrument> Instruments { get; } = new();

    /// <summary>Reads every observable instrument now; returns the sum over sources of the values matching the tags.</summary>
    public double Observe(string name, params (string Key, string Value)[] tags)
    {
        _observed.Clear();
        _listener.RecordObservableInstruments();
        string wanted = Key(tags);
        return _observed.Where(o => o.Key.Instrument.Name == name && Matches(o.Key.Tags, wanted)).Sum(o => o.Value);
    }

    /// <summary>
    /// Reads every observable instrument now; returns the value matching the tags per source (each silo's meter has its
    /// own instrument), so that a counter's growth can be taken per source with <see cref="Growth"/>.
    /// </summary>
    public Dictionary<Instrument, double> ObserveBySource(string name, params (string Key, string Value)[] tags)
    {
        _observed.Clear();
        _listener.RecordObservableInstruments();
        string wanted = Key(tags);
        var bySource = new Dictionary<Instrument, double>();
        foreach (var observed in _observed)
        {
            if (observed.Key.Instrument.Name == name && Matches(observed.Key.Tags, wanted))
            {
                bySource[observed.Key.Instrument] = bySource.GetValueOrDefault(observed.Key.Instrument) + observed.Value;
            }
        }

        return bySource;
    }

    /// <summary>
    /// How much a counter grew between two readings, summed over the sources still reporting: other test classes' silos
    /// and clients come and go in this process, and a plain sum over all sources drops when one of them stops. A source
    /// first seen in the second reading counts from zero (a counter may report a tag only once it was counted).
    /// </summary>
    public static double Growth(Dictionary<Instrument, double> before, Dictionary<Instrument, double> after)
    {
        double growth = 0;
        foreach (var (source, value) in after)
        {
            growth += value - before.GetValueOrDefault(source);
        }

        return growth;
    }

    /// <summary>Measurements recorded (histograms) for an instrument whose tags include <paramref name="tags"/>.</summary>
    public IReadOnlyList<double> Recorded(string name, params (string Key, string Value)[] tags) =>
        [.. _recorded.Where(r => r.Name == name && tags.All(t => r.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Select(r => r.Value)];

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        double number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            pairs[tag.Key] = tag.Value?.ToString() ?? "";
        }

        if (instrument.IsObservable)
        {
            _observed.AddOrUpdate((instrument, Key(pairs.Select(p => (p.Key, p.Value)))), number, (_, old) => old + number);
        }
        else
        {
            _recorded.Enqueue((instrument.Name, number, pairs));
        }
    }

    private static string Key(IEnumerable<(string Key, string Value)> tags) =>
        string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));

    private static bool Matches(string tags, string wanted) =>
        wanted.Length == 0 || wanted.Split(',').All(part => tags.Split(',').Contains(part));
}
