using Grid.Client;

namespace Grid.Fault.Tests.Workload;

/// <summary>
/// One reader: reads random writer keys, one call at a time at its pace, and judges each value against the key's
/// acknowledged-write log.
/// </summary>
internal sealed class Reader(int id, IGridCache cache, IReadOnlyList<KeyLedger> keys, bool nearCache, LoadClock clock)
{
    public int Id { get; } = id;

    public bool NearCache { get; } = nearCache;

    /// <summary>Near-cache reads are left out of throughput: a hit never reaches the grid.</summary>
    public LoopStats Stats { get; } = new(clock, reachesGrid: !nearCache);

    public ReadTally Tally { get; } = new(nearCache ? FaultGoals.NearCacheWindow : TimeSpan.Zero);

    public async Task RunAsync(CancellationToken stop)
    {
        var random = new Random(Id * 7919 + (NearCache ? 1 : 0));
        var pacer = new Pacer(NearCache ? FaultTimings.NearReadPeriod : FaultTimings.CallPeriod);
        while (!stop.IsCancellationRequested)
        {
            await pacer.WaitAsync();
            var ledger = keys[random.Next(keys.Count)];
            // Before the call starts: every seq acknowledged by now must be visible to this read.
            long known = ledger.LastAcknowledged;
            var outcome = await BoundedCall.RunAsync(() => cache.GetAsync(ledger.Key), FaultTimings.OperationBound);
            Stats.Record(outcome);
            if (outcome.IsOk)
            {
                var verdict = ReadVerdict.Judge(outcome.Value, ledger, known, outcome.Start);
                Tally.Add(verdict, ledger, clock.SecondsAt(outcome.Start));
            }
        }
    }
}
