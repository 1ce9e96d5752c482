namespace Grid.Fault.Tests.Workload;

/// <summary>
/// Exactly-once accounting of one writer's list (<c>ListRightPushAsync</c> of one element <c>w{writer}:p{n}</c>, n
/// numbering the pushes sent): which pushes were acknowledged.
/// </summary>
internal sealed class ListLedger(string key, int writer) : CountingLedger(key)
{
    private readonly List<bool> _acknowledged = [false];

    public int Writer { get; } = writer;

    /// <summary>Numbers the next push and returns it.</summary>
    public long BeginPush()
    {
        _acknowledged.Add(false);
        return Begin();
    }

    public void Record(long push, in CallOutcome<long> outcome)
    {
        if (End(outcome))
        {
            _acknowledged[(int)push] = true;
        }
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
            notes.Add($"{Key}: {elements.Count} elements for pushes {Calls}; acknowledged missing {missing}, duplicates {duplicates}, out of order {outOfOrder}, never pushed {foreign}");
        }

        // A regression and the element it left missing are one loss seen twice, as a length above the attempts and the
        // duplicate element it counted are one duplicate: count the larger of each.
        return new ExactlyOnceCheck(Math.Max(missing, Regressions), Math.Max(duplicates, AboveAttempts) + outOfOrder + foreign, notes);
    }
}
