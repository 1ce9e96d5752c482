using System.Globalization;
using Grid.Client;

namespace Grid.Fault.Tests.Workload;

/// <summary>
/// One writer: sends one call at a time at its pace, in a cycle of ten — eight <c>SetAsync</c> of its keys in turn (values
/// <c>w{writer}:k{key}:s{seq}</c>, seq rising across all its writes), one <c>IncrementAsync</c> of its counter and one
/// <c>ListRightPushAsync</c> to its list — and logs which of them were acknowledged (the call returned).
/// </summary>
internal sealed class Writer
{
    private readonly IGridCache _cache;
    private long _seq;
    private int _nextKey;

    public Writer(int id, string prefix, IGridCache cache, LoadClock clock)
    {
        Id = id;
        _cache = cache;
        string own = string.Create(CultureInfo.InvariantCulture, $"{prefix}:w{id}");
        var keys = new KeyLedger[FaultTimings.KeysPerWriter];
        for (int k = 0; k < keys.Length; k++)
        {
            keys[k] = new KeyLedger(string.Create(CultureInfo.InvariantCulture, $"{own}:k{k}"), id, k);
        }

        Keys = keys;
        Counter = new CounterLedger(own + ":counter");
        List = new ListLedger(own + ":list", id);
        Stats = new LoopStats(clock, reachesGrid: true);
    }

    public int Id { get; }

    public IReadOnlyList<KeyLedger> Keys { get; }

    public CounterLedger Counter { get; }

    public ListLedger List { get; }

    public LoopStats Stats { get; }

    public async Task RunAsync(CancellationToken stop)
    {
        var pacer = new Pacer(FaultTimings.CallPeriod);
        for (long op = 0; !stop.IsCancellationRequested; op++)
        {
            await pacer.WaitAsync();
            bool sent = (op % 10) switch
            {
                8 when !Counter.Abandoned => await IncrementAsync(),
                9 when !List.Abandoned => await PushAsync(),
                _ => await SetNextKeyAsync(),
            };
            if (!sent && Counter.Abandoned && List.Abandoned)
            {
                // Every key, the counter and the list have a stalled call that may still land: nothing left to send safely.
                return;
            }
        }
    }

    private async ValueTask<bool> SetNextKeyAsync()
    {
        for (int tried = 0; tried < Keys.Count; tried++)
        {
            var key = Keys[_nextKey];
            _nextKey = (_nextKey + 1) % Keys.Count;
            if (key.Abandoned)
            {
                continue;
            }

            long seq = ++_seq;
            var value = WrittenValue.ForKey(Id, key.Index, seq);
            key.BeginWrite(seq);
            var outcome = await BoundedCall.RunAsync(() => _cache.SetAsync(key.Key, value), FaultTimings.OperationBound);
            if (outcome is { IsOk: true, Value: false })
            {
                // An unconditional set answered "not written": the caller sees a failure, and the outcome is unknown.
                outcome = outcome with { Result = CallResult.Failed, Error = new InvalidOperationException("SetAsync without a condition returned false") };
            }

            Stats.Record(outcome);
            if (outcome.IsOk)
            {
                key.Acknowledge(seq, outcome.End);
            }
            else if (outcome.Result == CallResult.Stalled)
            {
                key.Abandoned = true;
            }

            return true;
        }

        return false;
    }

    private async ValueTask<bool> IncrementAsync()
    {
        Counter.BeginIncrement();
        var outcome = await BoundedCall.RunAsync(() => _cache.IncrementAsync(Counter.Key), FaultTimings.OperationBound);
        Stats.Record(outcome);
        Counter.Record(outcome);
        return true;
    }

    private async ValueTask<bool> PushAsync()
    {
        long push = List.BeginPush();
        ReadOnlyMemory<byte>[] element = [WrittenValue.ForPush(Id, push)];
        var outcome = await BoundedCall.RunAsync(() => _cache.ListRightPushAsync(List.Key, element), FaultTimings.OperationBound);
        Stats.Record(outcome);
        List.Record(push, outcome);
        return true;
    }
}
