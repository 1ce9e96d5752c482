namespace Grid.Fault.Tests.Workload;

/// <summary>
/// Exactly-once accounting shared by a writer's counter and list: calls sent one at a time, each answered with how
/// many changes the structure now holds (the counter's value, the list's length), so every answer must be above the
/// previous one (else an acknowledged change was lost) and at most the calls sent so far (else one was applied twice).
/// A call that threw or stalled has an unknown outcome. Written by the writer only.
/// </summary>
internal abstract class CountingLedger(string key)
{
    private long _lastReturned;

    public string Key { get; } = key;

    public long Attempts { get; private set; }

    public long Acknowledged { get; private set; }

    public long Unknown { get; private set; }

    /// <summary>Acknowledged calls that returned a count not above the one before: an acknowledged change lost.</summary>
    public long Regressions { get; private set; }

    /// <summary>Acknowledged calls that returned more than the calls sent so far: one applied twice.</summary>
    public long AboveAttempts { get; private set; }

    /// <summary>Set once a call stalled past the harness bound: it may still land, so no more are sent (a later one would race it).</summary>
    public bool Abandoned { get; private set; }

    /// <summary>What the checks report about the calls.</summary>
    protected string Calls =>
        $"{Acknowledged} acknowledged and {Unknown} unknown, returned-count regressions {Regressions}, returned above attempts {AboveAttempts}";

    /// <summary>Counts a call about to be sent and returns its number (from 1).</summary>
    protected long Begin() => ++Attempts;

    /// <summary>Records how the call ended; true when it was acknowledged.</summary>
    protected bool End(in CallOutcome<long> outcome)
    {
        if (!outcome.IsOk)
        {
            Unknown++;
            Abandoned |= outcome.Result == CallResult.Stalled;
            return false;
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
        return true;
    }
}
