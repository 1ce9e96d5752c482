namespace Grid.Grains.Hosting;

/// <summary>
/// A clock whose timestamps count from its creation instead of from the machine's boot; everything else (frequency,
/// wall clock, time zone, timers) is the inner provider's. It is Orleans' membership clock in a Grid silo: Orleans
/// 10.4.2's watchdog starts its platform thread before it sets the component check's first timestamp (a race in
/// <c>Watchdog.Start</c>), so that thread's first look measures from timestamp 0. With the system clock 0 is the boot,
/// and a silo on a machine up for a while logs "Participant check thread has not completed for 00:25:45" at start and
/// counts it against its own health; counted from here, 0 is a moment ago. Membership only ever subtracts timestamps
/// (its "never" is null, not 0), so moving their origin changes nothing else.
/// </summary>
internal sealed class StartRelativeTimeProvider(TimeProvider inner) : TimeProvider
{
    private readonly long _origin = inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long GetTimestamp() => inner.GetTimestamp() - _origin;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
