namespace Grid.Client.GetOrSet;

/// <summary>
/// The keys whose <c>GetOrSetAsync</c> factories run in the current async flow. A <c>GetOrSetAsync</c> of one of those
/// keys from inside its own factory would join that factory's own flight and wait for itself until its caller gave up
/// (it hung with no deadline); it is refused instead.
/// </summary>
internal static class RunningFactories
{
    private static readonly AsyncLocal<Running?> s_innermost = new();

    /// <summary>Whether a factory of <paramref name="key"/> runs in this async flow.</summary>
    public static bool Contains(string key)
    {
        for (var running = s_innermost.Value; running is not null; running = running.Outer)
        {
            if (string.Equals(running.Key, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Notes that <paramref name="key"/>'s factory runs from here on in this flow, until the scope is disposed.</summary>
    public static Scope Enter(string key)
    {
        var outer = s_innermost.Value;
        s_innermost.Value = new Running(key, outer);
        return new Scope(outer);
    }

    /// <summary>Restores the flow's factories as they were before <see cref="Enter"/>.</summary>
    public readonly struct Scope(Running? outer) : IDisposable
    {
        public void Dispose() => s_innermost.Value = outer;
    }

    /// <summary>One running factory and the one it runs inside of, if any.</summary>
    public sealed class Running(string key, Running? outer)
    {
        public string Key { get; } = key;

        public Running? Outer { get; } = outer;
    }
}
