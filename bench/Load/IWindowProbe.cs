namespace Grid.Bench.Load;

/// <summary>Something read at the measured window's edges, next to the CPU counters (not on the measured path).</summary>
internal interface IWindowProbe
{
    void WindowStarted();

    void WindowEnded();
}
