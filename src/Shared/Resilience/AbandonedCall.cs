namespace Grid.Resilience;

/// <summary>
/// A call its caller stopped waiting for (past its bound, or its silo left). Compiled into the silo and the client (a
/// linked source file).
/// </summary>
internal static class AbandonedCall
{
    /// <summary>Observes <paramref name="call"/>, so its eventual failure is not an unobserved task exception.</summary>
    public static void Observe(Task call) =>
        _ = call.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
