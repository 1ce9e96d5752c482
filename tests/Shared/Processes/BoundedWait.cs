namespace Grid.Tests.Shared.Processes;

/// <summary>Waits on a task for at most a bound, so a test never hangs on a call that never ends.</summary>
internal static class BoundedWait
{
    /// <summary>
    /// True when <paramref name="task"/> completed within <paramref name="bound"/> (its exception, if any, is thrown);
    /// false when it is still running: it is abandoned, and its eventual failure is observed so it does not surface as
    /// an unobserved task exception.
    /// </summary>
    public static async Task<bool> CompletedWithinAsync(this Task task, TimeSpan bound)
    {
        try
        {
            await task.WaitAsync(bound);
            return true;
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            _ = task.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            return false;
        }
    }
}
