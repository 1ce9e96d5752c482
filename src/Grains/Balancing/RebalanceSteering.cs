using Grid.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Balancing;

/// <summary>
/// The rebalance settings in force on this silo (pause, concurrent moves, bytes per second), changeable at run time.
/// They start from the configured <see cref="GridBalancingOptions"/> at version 0; a change is adopted only when it is
/// newer (<see cref="GridRebalanceSettings.IsNewerThan"/>), so settings that arrive out of order, or twice, end the
/// same on every silo. The balancer reads them before every move and is woken when they change.
/// </summary>
internal sealed class RebalanceSteering
{
    /// <summary>The most concurrent moves a change may ask for (the configured option's range).</summary>
    public const int MaxMoves = 256;

    private readonly Lock _gate = new();
    private readonly MoveThrottle _throttle;
    private GridRebalanceSettings _current;
    private Action[] _listeners = [];

    public RebalanceSteering(IOptions<GridSiloOptions> options, TimeProvider time)
        : this(options.Value.Balancing, time)
    {
    }

    internal RebalanceSteering(GridBalancingOptions options, TimeProvider time)
    {
        _current = new GridRebalanceSettings
        {
            Version = 0,
            Paused = false,
            MaxConcurrentMoves = options.MaxConcurrentMoves,
            BytesPerSecond = options.MaxBytesPerSecond,
        };
        _throttle = new MoveThrottle(time);
        _throttle.SetRate(options.MaxBytesPerSecond);
    }

    /// <summary>The settings in force.</summary>
    public GridRebalanceSettings Current => Volatile.Read(ref _current);

    /// <summary>The bytes-per-second bucket moves go through (its rate follows <see cref="Current"/>).</summary>
    public MoveThrottle Throttle => _throttle;

    /// <summary>Registers a callback run after the settings change (keep it short).</summary>
    public void Subscribe(Action onChanged)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners, onChanged];
        }
    }

    /// <summary>Adopts <paramref name="settings"/> when they are newer than those in force; returns the settings in force after.</summary>
    public GridRebalanceSettings Adopt(GridRebalanceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings.MaxConcurrentMoves, settings.BytesPerSecond);
        Action[] listeners;
        lock (_gate)
        {
            if (!settings.IsNewerThan(_current))
            {
                return _current;
            }

            Volatile.Write(ref _current, settings);
            _throttle.SetRate(settings.BytesPerSecond);
            listeners = _listeners;
        }

        foreach (var listener in listeners)
        {
            listener();
        }

        return settings;
    }

    /// <summary>
    /// The settings <paramref name="change"/> makes of those in force: the next version, made by
    /// <paramref name="silo"/> at <paramref name="nowUnixMs"/>. Not adopted yet.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public GridRebalanceSettings Next(GridRebalanceChange change, string silo, long nowUnixMs)
    {
        ArgumentNullException.ThrowIfNull(change);
        var current = Current;
        var next = new GridRebalanceSettings
        {
            Version = current.Version + 1,
            Paused = change.Paused ?? current.Paused,
            MaxConcurrentMoves = change.MaxConcurrentMoves ?? current.MaxConcurrentMoves,
            BytesPerSecond = change.BytesPerSecond ?? current.BytesPerSecond,
            ChangedBy = silo,
            ChangedAtUnixMs = nowUnixMs,
        };
        Validate(next.MaxConcurrentMoves, next.BytesPerSecond);
        return next;
    }

    private static void Validate(int moves, long bytesPerSecond)
    {
        if (moves is < 1 or > MaxMoves)
        {
            throw new ArgumentException($"Concurrent moves must be between 1 and {MaxMoves} (it is {moves}).");
        }

        if (bytesPerSecond < 0)
        {
            throw new ArgumentException($"Bytes per second must be 0 (no limit) or more (it is {bytesPerSecond}).");
        }
    }
}
