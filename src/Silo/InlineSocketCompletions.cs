namespace Grid.Silo;

/// <summary>
/// Applies <c>Grid:InlineSocketCompletions</c> to this process: .NET's socket engine then runs each completion on its own
/// thread (the one that waits in <c>epoll</c>) instead of queueing it to the thread pool, which saves a thread hand-off per
/// receive on the silo's Orleans and RESP connections. The runtime reads the variable once, when the process's first
/// socket operation starts the engine, so it must be set before the host is built; a value already in the environment
/// (an explicit <c>0</c> included) is left as it is.
/// </summary>
internal static class InlineSocketCompletions
{
    /// <summary>The runtime's switch (System.Net.Sockets, Unix).</summary>
    internal const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets the variable when <paramref name="enabled"/> and it is not set yet.</summary>
    public static void Apply(bool enabled)
    {
        if (ValueToSet(enabled, Environment.GetEnvironmentVariable(Variable)) is { } value)
        {
            Environment.SetEnvironmentVariable(Variable, value);
        }
    }

    /// <summary>The value to give the variable (null: leave it), from the setting and the variable's current value.</summary>
    internal static string? ValueToSet(bool enabled, string? current) => enabled && current is null ? "1" : null;
}
