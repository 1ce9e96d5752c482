using System.Globalization;

namespace Grid.Fault.Tests.Workload;

/// <summary>What one reader's reads showed: fresh, stale (within or beyond the near-cache window), never written.</summary>
internal sealed class ReadTally(TimeSpan window)
{
    private const int MaxSamples = 5;

    /// <summary>How stale a read may be and not count (the near-cache window; zero without the near cache).</summary>
    public TimeSpan Window { get; } = window;

    public long Judged { get; private set; }

    public long Stale { get; private set; }

    public long StaleBeyondWindow { get; private set; }

    public long NeverWritten { get; private set; }

    public TimeSpan WorstStaleness { get; private set; }

    /// <summary>The first few stale (beyond the window) and never-written reads, for the report.</summary>
    public List<string> Samples { get; } = [];

    public void Add(in ReadVerdict verdict, KeyLedger ledger, double atSeconds)
    {
        Judged++;
        switch (verdict.Kind)
        {
            case ReadVerdictKind.Stale:
                Stale++;
                if (verdict.Staleness > WorstStaleness)
                {
                    WorstStaleness = verdict.Staleness;
                }

                if (verdict.Staleness > Window)
                {
                    StaleBeyondWindow++;
                    Sample(string.Create(CultureInfo.InvariantCulture,
                        $"stale at {atSeconds:0.00} s: {ledger.Key} served seq {verdict.ServedSeq}, seq {verdict.KnownSeq} acknowledged before the read; superseded {verdict.Staleness.TotalMilliseconds:0} ms before it"));
                }

                break;
            case ReadVerdictKind.NeverWritten:
                NeverWritten++;
                Sample(string.Create(CultureInfo.InvariantCulture, $"never written at {atSeconds:0.00} s: {ledger.Key} (attempted up to seq {ledger.Attempted})"));
                break;
        }
    }

    private void Sample(string text)
    {
        if (Samples.Count < MaxSamples)
        {
            Samples.Add(text);
        }
    }
}
