using Grid.Grains.Storage;

namespace Grid.Core.Tests.Storage;

/// <summary>The partition's log of answered writes by request id: replays, forgetting what the client completed, idle clients.</summary>
public sealed class RequestLogTests
{
    private const ulong Client = 42;

    [Fact]
    public void A_recorded_request_is_replayed_with_its_answer_until_the_client_completed_it()
    {
        var log = new RequestLog();
        for (long id = 1; id <= 5; id++)
        {
            log.Record(Client, id, completedBelow: 1, [(byte)id], nowMs: 0);
        }

        Assert.Equal(RequestVerdict.Replay, log.Check(Client, 4, completedBelow: 1, nowMs: 0, out var answer));
        Assert.Equal([(byte)4], answer);

        // The client says every request below 3 completed: those are forgotten, later ones kept in order.
        Assert.Equal(RequestVerdict.Completed, log.Check(Client, 2, completedBelow: 3, nowMs: 0, out _));
        Assert.Equal(3, log.Count);
        Assert.Equal(RequestVerdict.Replay, log.Check(Client, 3, completedBelow: 3, nowMs: 0, out answer));
        Assert.Equal([(byte)3], answer);
        Assert.Equal(RequestVerdict.Replay, log.Check(Client, 5, completedBelow: 3, nowMs: 0, out answer));
        Assert.Equal([(byte)5], answer);
        Assert.Equal(RequestVerdict.Fresh, log.Check(Client, 6, completedBelow: 3, nowMs: 0, out _));
    }

    [Fact]
    public void Entries_recorded_out_of_order_are_forgotten_only_below_the_completed_mark()
    {
        var log = new RequestLog();
        foreach (long id in new long[] { 7, 3, 9, 1, 8 })
        {
            log.Record(Client, id, completedBelow: 0, [(byte)id], nowMs: 0);
        }

        log.Record(Client, 10, completedBelow: 8, [10], nowMs: 0);

        Assert.Equal(3, log.Count);
        foreach (long id in new long[] { 8, 9, 10 })
        {
            Assert.Equal(RequestVerdict.Replay, log.Check(Client, id, completedBelow: 8, nowMs: 0, out _));
        }

        Assert.Equal(RequestVerdict.Completed, log.Check(Client, 7, completedBelow: 8, nowMs: 0, out _));
    }

    [Fact]
    public void An_idle_client_is_dropped_with_its_entries()
    {
        var log = new RequestLog();
        log.Record(Client, 1, completedBelow: 0, [1], nowMs: 0);
        log.Record(Client + 1, 1, completedBelow: 0, [1], nowMs: 1_000);

        log.PruneIdle(cutoffMs: 500);

        Assert.Equal(1, log.Clients);
        Assert.Equal(1, log.Count);
        Assert.Equal(RequestVerdict.Fresh, log.Check(Client, 1, completedBelow: 0, nowMs: 1_000, out _));
    }
}
