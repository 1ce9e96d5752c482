using System.Diagnostics;
using Grid.Tests.Shared.Processes;

namespace Grid.Fault.Tests.Workload;

/// <summary>
/// Runs one client call under its own time bound and turns how it ended into a <see cref="CallOutcome{T}"/>: the
/// harness never waits on the product without a bound, and every exception the call threw is kept to be counted.
/// </summary>
internal static class BoundedCall
{
    public static async ValueTask<CallOutcome<T>> RunAsync<T>(Func<ValueTask<T>> call, TimeSpan bound)
    {
        long start = Stopwatch.GetTimestamp();
        Task<T> task;
        try
        {
            var pending = call();
            if (pending.IsCompletedSuccessfully)
            {
                // Near-cache hits complete at once; no task, no timer.
                return new CallOutcome<T>(CallResult.Ok, pending.Result, null, start, Stopwatch.GetTimestamp());
            }

            task = pending.AsTask();
        }
        catch (Exception ex)
        {
            return new CallOutcome<T>(CallResult.Failed, default, ex, start, Stopwatch.GetTimestamp());
        }

        try
        {
            return await task.CompletedWithinAsync(bound)
                ? new CallOutcome<T>(CallResult.Ok, task.Result, null, start, Stopwatch.GetTimestamp())
                : new CallOutcome<T>(CallResult.Stalled, default, null, start, Stopwatch.GetTimestamp());
        }
        catch (Exception ex)
        {
            return new CallOutcome<T>(CallResult.Failed, default, ex, start, Stopwatch.GetTimestamp());
        }
    }
}
