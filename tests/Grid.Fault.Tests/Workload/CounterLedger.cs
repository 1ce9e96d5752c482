namespace Grid.Fault.Tests.Workload;

/// <summary>
/// Exactly-once accounting of one writer's counter (<c>IncrementAsync</c> by 1): increments acknowledged, and those
/// whose outcome is unknown because the call threw or stalled. Written by the writer only.
/// </summary>
internal sealed class CounterLedger(string key)
{
    public string Key { get; } = key;

    public long Attempts { get; private set; }

    public long Acknowledged { get; private set; }

    public long Unknown { get; private set; }

    /// <summary>Acknowledged increments that returned a value not above the one before: an acknowledged state lost.</summary>
    public long Regressions { get; private set; }

    /// <summary>Acknowledged increments that returned more than the increments sent so far: one applied twice.</summary>
    public long AboveAttempts { get; private set; }

    /// <summary>Set once an increment stalled past the harness bound: it may still land, so no more are sent.</summary>
    public bool Abandoned { get; private set; }

    private long _lastReturned;

    public void BeginIncrement() => Attempts++;

    public void Record(in CallOutcome<long> outcome)
    {
        if (!outcome.IsOk)
        {
            Unknown++;
            Abandoned |= outcome.Result == CallResult.Stalled;
            return;
        }

        Acknowledged++;
        if (outcome.Value <= _lastReturned)
        {
            Regressions++;
        }

        if (outcome.Value > Attempts)
        {
            AboveAttempts++;
        }

        _lastReturned = outcome.Value;
    }

    /// <summary>Checks the counter's final value: lost increments and duplicates.</summary>
    public ExactlyOnceCheck Check(long finalValue)
    {
        long lost = Math.Max(0, Acknowledged - finalValue);
        long duplicates = Math.Max(0, finalValue - Acknowledged - Unknown);
        var notes = new List<string>();
        if (lost > 0 || duplicates > 0 || Regressions > 0 || AboveAttempts > 0)
        {
            notes.Add($"{Key}: final {finalValue}, acknowledged {Acknowledged}, unknown {Unknown}, returned-value regressions {Regressions}, returned above attempts {AboveAttempts}");
        }

        // A regression and the shortfall it leaves are one loss seen twice, as a return above the attempts and the
        // excess it leaves are one duplicate: count the larger of each.
        return new ExactlyOnceCheck(Math.Max(lost, Regressions), Math.Max(duplicates, AboveAttempts), notes);
    }
}
