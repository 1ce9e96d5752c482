namespace Grid.Core.Tests.Support;

/// <summary>A clock that can also be stepped back, as a wall clock is by NTP (FakeTimeProvider only moves forward).</summary>
internal sealed class SteppableTimeProvider(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(long ms) => Now = Now.AddMilliseconds(ms);
}
