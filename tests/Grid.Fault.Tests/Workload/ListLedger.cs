namespace Grid.Fault.Tests.Workload;

/// <summary>
/// Exactly-once accounting of one writer's list (<c>ListRightPushAsync</c> of one element <c>w{writer}:p{n}</c>, n
/// counting pushes sent): which pushes were acknowledged, and how many had an unknown outcome. Written by the writer only.
/// </summary>
internal sealed class ListLedger(string key, int writer)
{
    private readonly List<bool> _acknowledged = [false];
    private long _lastLength;

    public string Key { get; } = key;

    public int Writer { get; } = writer;

    public long Attempts { get; private set; }

    public long Acknowledged { get; private set; }

    public long Unknown { get; private set; }

    /// <summary>Acknowledged pushes that returned a length not above the one before: an acknowledged element lost.</summary>
    public long Regressions { get; private set; }

    /// <summary>Acknowledged pushes that returned a length above the pushes sent so far: one applied twice.</summary>
    public long AboveAttempts { get; private set; }

    /// <summary>Set once a push stalled past the harness bound: it may still land, so no more are sent (order would be the harness's doing).</summary>
    public bool Abandoned { get; private set; }

    /// <summary>Numbers the next push and returns it.</summary>
    public long BeginPush()
    {
        Attempts++;
        _acknowledged.Add(false);
        return Attempts;
    }

    public void Record(long push, in CallOutcome<long> outcome)
    {
        if (!outcome.IsOk)
        {
            Unknown++;
            Abandoned |= outcome.Result == CallResult.Stalled;
            return;
        }

        Acknowledged++;
        _acknowledged[(int)push] = true;
        if (outcome.Value <= _lastLength)
        {
            Regressions++;
        }

        if (outcome.Value > Attempts)
        {
            AboveAttempts++;
        }

        _lastLength = outcome.Value;
    }

    /// <summary>
    /// Checks the final list: every acknowledged push present once, nothing twice, in push order, nothing that was
    /// never pushed. Pushes with an unknown outcome may be there (once) or not.
    /// </summary>
    public ExactlyOnceCheck Check(IReadOnlyList<byte[]> elements)
    {
        var seen = new bool[Attempts + 1];
        long duplicates = 0, outOfOrder = 0, foreign = 0, previous = 0;
        foreach (var element in elements)
        {
            if (WrittenValue.PushOf(element, Writer) is not { } push || push > Attempts)
            {
                foreign++;
                continue;
            }

            if (seen[push])
            {
                duplicates++;
            }
            else if (push < previous)
            {
                outOfOrder++;
            }

            seen[push] = true;
            previous = Math.Max(previous, push);
        }

        long missing = 0;
        for (int push = 1; push <= Attempts; push++)
        {
            if (_acknowledged[push] && !seen[push])
            {
                missing++;
            }
        }

        var notes = new List<string>();
        if (missing > 0 || duplicates > 0 || outOfOrder > 0 || foreign > 0 || Regressions > 0 || AboveAttempts > 0)
        {
            notes.Add($"{Key}: {elements.Count} elements for {Acknowledged} acknowledged and {Unknown} unknown pushes; acknowledged missing {missing}, " +
                $"duplicates {duplicates}, out of order {outOfOrder}, never pushed {foreign}, returned-length regressions {Regressions}, returned above attempts {AboveAttempts}");
        }

        // A regression and the element it left missing are one loss seen twice, as a length above the attempts and the
        // duplicate element it counted are one duplicate: count the larger of each.
        return new ExactlyOnceCheck(Math.Max(missing, Regressions), Math.Max(duplicates, AboveAttempts) + outOfOrder + foreign, notes);
    }
}
