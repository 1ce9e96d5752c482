namespace Grid.Grains.Storage;

/// <summary>The time the stores use for expiry and LRU stamps; a separate service so tests can fake it without faking Orleans' own clock.</summary>
internal sealed class GridClock(TimeProvider timeProvider)
{
    public static GridClock System { get; } = new(TimeProvider.System);

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Unix time in milliseconds.</summary>
    public long NowMs => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
