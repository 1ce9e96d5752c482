using Grid.Fault.Tests.Workload;

namespace Grid.Fault.Tests.Harness;

/// <summary>The counter and list checks: lost acknowledged changes vs. changes applied twice, with unknown outcomes allowed either way.</summary>
public sealed class ExactlyOnceTests
{
    [Fact]
    public void A_counter_may_hold_unknown_increments_but_not_more()
    {
        var counter = Counter(returns: [1, 2, null, 4]);
        Assert.Equal(new[] { 0L, 0L }, Figures(counter.Check(4)));
        Assert.Equal(new[] { 0L, 0L }, Figures(counter.Check(3)));
        Assert.Equal(new[] { 1L, 0L }, Figures(counter.Check(2)));
        Assert.Equal(new[] { 0L, 1L }, Figures(counter.Check(5)));
    }

    [Fact]
    public void A_counter_that_returned_less_than_before_lost_an_acknowledged_increment()
    {
        // Four acknowledged increments, a counter at 2: two were lost (the return of 1 showed it).
        var counter = Counter(returns: [1, 2, 1, 2]);
        Assert.Equal(2, counter.Check(2).Lost);
        Assert.Equal(1, counter.Regressions);
    }

    [Fact]
    public void A_counter_that_returned_more_than_was_sent_applied_one_twice()
    {
        var counter = Counter(returns: [2]);
        Assert.Equal(1, counter.Check(2).Violations);
    }

    [Fact]
    public void A_list_must_hold_every_acknowledged_push_once_in_order()
    {
        var list = List(acknowledged: [true, false, true]);
        Assert.Equal(new[] { 0L, 0L }, Figures(list.Check(Elements(1, 2, 3))));
        Assert.Equal(new[] { 0L, 0L }, Figures(list.Check(Elements(1, 3))));
        Assert.Equal(new[] { 1L, 0L }, Figures(list.Check(Elements(1, 2))));
        Assert.Equal(new[] { 0L, 1L }, Figures(list.Check(Elements(1, 3, 3))));
        Assert.Equal(new[] { 0L, 1L }, Figures(list.Check(Elements(1, 3, 2))));
        Assert.Equal(new[] { 0L, 1L }, Figures(list.Check(Elements(1, 3, 4))));
    }

    private static long[] Figures(ExactlyOnceCheck check) => [check.Lost, check.Violations];

    private static CounterLedger Counter(long?[] returns)
    {
        var counter = new CounterLedger("c");
        foreach (var value in returns)
        {
            counter.BeginIncrement();
            counter.Record(value is { } v
                ? new CallOutcome<long>(CallResult.Ok, v, null, 0, 1)
                : new CallOutcome<long>(CallResult.Failed, 0, new TimeoutException(), 0, 1));
        }

        return counter;
    }

    private static ListLedger List(bool[] acknowledged)
    {
        var list = new ListLedger("l", writer: 0);
        long length = 0;
        foreach (bool ok in acknowledged)
        {
            long push = list.BeginPush();
            list.Record(push, ok
                ? new CallOutcome<long>(CallResult.Ok, ++length, null, 0, 1)
                : new CallOutcome<long>(CallResult.Failed, 0, new TimeoutException(), 0, 1));
            if (!ok)
            {
                // An unknown push may have landed: later lengths count it.
                length++;
            }
        }

        return list;
    }

    private static byte[][] Elements(params long[] pushes) => [.. pushes.Select(p => WrittenValue.ForPush(0, p))];
}
