using System.Globalization;

namespace Grid.Fault.Tests.Reporting;

/// <summary>Which of <see cref="FaultGoals"/> a run missed, and whether the run itself was valid; empty when it passed.</summary>
internal static class FaultRunVerdict
{
    public static IReadOnlyList<string> Failures(FaultRunResult run)
    {
        var failures = new List<string>();
        foreach (var problem in run.HarnessProblems)
        {
            failures.Add("harness: " + problem);
        }

        Check(failures, run.AcknowledgedWritesLost ?? 0, FaultGoals.MaxAcknowledgedWritesLost, "acknowledged writes lost");
        Check(failures, run.ExactlyOnceViolations ?? 0, FaultGoals.MaxExactlyOnceViolations, "exactly-once violations (increments or pushes applied twice, out of order, never sent)");
        Check(failures, run.NeverWrittenReads, FaultGoals.MaxNeverWrittenReads, "reads of values never written");
        Check(failures, run.NearCacheOff.StaleBeyondWindow, FaultGoals.MaxStaleReads, "stale reads with the near cache off");
        Check(failures, run.NearCacheOn.StaleBeyondWindow, FaultGoals.MaxStaleReads,
            string.Create(CultureInfo.InvariantCulture, $"stale reads beyond {FaultGoals.NearCacheWindow.TotalMilliseconds:0} ms with the near cache on (worst {run.NearCacheOn.WorstStaleness.TotalMilliseconds:0} ms)"));
        if (!run.ErrorsAllowed)
        {
            Check(failures, run.CallerVisibleErrors, FaultGoals.MaxCallerVisibleErrors,
                "caller-visible errors (" + string.Join(", ", run.ErrorsByKind.Select(e => $"{e.Count}× {e.Kind}")) + ")");
        }

        foreach (var recovery in run.Recoveries.Where(r => r.IsCrash))
        {
            if (recovery.Seconds is not { } seconds || seconds >= FaultGoals.MaxRecoveryAfterCrash.TotalSeconds)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"throughput not back to {FaultGoals.RecoveredFraction:P0} within {FaultGoals.MaxRecoveryAfterCrash.TotalSeconds:0} s after {recovery.What}: {recovery.Describe()}"));
            }
        }

        return failures;
    }

    private static void Check(List<string> failures, long measured, long goal, string what)
    {
        if (measured > goal)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: {measured} (goal at most {goal})"));
        }
    }
}
