using System.Diagnostics.Metrics;

namespace Grid.Client.Metrics;

/// <summary>
/// The <see cref="IMeterFactory"/> of a cache built without a DI container (<c>GridCache.ConnectAsync</c>, tests): it
/// owns the meters it creates and disposes them with the cache, so a disposed cache's instruments leave with it.
/// </summary>
internal sealed class PrivateMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Scope = this;
        var meter = new Meter(options);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        Meter[] meters;
        lock (_meters)
        {
            meters = [.. _meters];
            _meters.Clear();
        }

        foreach (var meter in meters)
        {
            meter.Dispose();
        }
    }
}
