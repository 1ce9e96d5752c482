namespace Grid.Fault.Tests.Workload;

/// <summary>Exactly-once accounting of one writer's counter (<c>IncrementAsync</c> by 1).</summary>
internal sealed class CounterLedger(string key) : CountingLedger(key)
{
    public void BeginIncrement() => Begin();

    public void Record(in CallOutcome<long> outcome) => End(outcome);

    /// <summary>Checks the counter's final value: it must count every acknowledged increment and at most the unknown ones besides.</summary>
    public ExactlyOnceCheck Check(long finalValue)
    {
        long lost = Math.Max(0, Acknowledged - finalValue);
        long duplicates = Math.Max(0, finalValue - Acknowledged - Unknown);
        var notes = new List<string>();
        if (lost > 0 || duplicates > 0 || Regressions > 0 || AboveAttempts > 0)
        {
            notes.Add($"{Key}: final {finalValue} for increments {Calls}");
        }

        // A regression and the shortfall it leaves are one loss seen twice, as a return above the attempts and the
        // excess it leaves are one duplicate: count the larger of each.
        return new ExactlyOnceCheck(Math.Max(lost, Regressions), Math.Max(duplicates, AboveAttempts), notes);
    }
}
