namespace Grid.Grains.Balancing;

/// <summary>
/// The bytes-per-second limit of a silo's partition moves: a token bucket holding at most one second of the rate,
/// charged with a partition's bytes before it moves. A partition larger than the bucket waits for a full bucket and then
/// runs it into debt, which the next moves pay back, so the average stays at the rate whatever the partition sizes. The
/// rate can change at any time (<c>grid rebalance throttle</c>); 0 means no limit.
/// </summary>
internal sealed class MoveThrottle
{
    // A waiting move asks again at least this often, so a rate raised (or lifted) at run time applies to it soon.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private long _rate;
    private double _tokens;
    private long _stamp;

    public MoveThrottle(TimeProvider time)
    {
        _time = time;
        _stamp = time.GetTimestamp();
    }

    /// <summary>The limit in force, in bytes per second; 0: none.</summary>
    public long BytesPerSecond
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    /// <summary>Sets the limit (0: none). Going from no limit to one starts with a full bucket; a lower limit trims the bucket to its new size.</summary>
    public void SetRate(long bytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        lock (_gate)
        {
            Refill();
            _tokens = _rate <= 0 ? bytesPerSecond : Math.Min(_tokens, bytesPerSecond);
            _rate = bytesPerSecond;
        }
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> from the bucket when it holds them (or, for a partition larger than the bucket, when
    /// it is full) and returns zero; otherwise takes nothing and returns how long until it would.
    /// </summary>
    public TimeSpan TryTake(long bytes)
    {
        lock (_gate)
        {
            if (_rate <= 0)
            {
                return TimeSpan.Zero;
            }

            Refill();
            double need = Math.Min(Math.Max(bytes, 0), _rate);
            // A hair of tolerance: the refill after waiting exactly the time returned must not fall short by rounding.
            if (_tokens + 1e-6 >= need)
            {
                _tokens -= Math.Max(bytes, 0);
                return TimeSpan.Zero;
            }

            var wait = TimeSpan.FromSeconds((need - _tokens) / _rate);
            return wait < MinWait ? MinWait : wait;
        }
    }

    /// <summary>Waits until the bucket lets <paramref name="bytes"/> through, then takes them.</summary>
    public async Task TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = TryTake(bytes);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait < MaxWait ? wait : MaxWait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Refill()
    {
        long now = _time.GetTimestamp();
        double seconds = _time.GetElapsedTime(_stamp, now).TotalSeconds;
        _stamp = now;
        if (_rate > 0 && seconds > 0)
        {
            _tokens = Math.Min(_rate, _tokens + seconds * _rate);
        }
    }
}
