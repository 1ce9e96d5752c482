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

    [Fact]
    public void Clients_writing_in_turn_each_keep_their_own_answers()
    {
        // The log answers the last client first: turns between clients must not mix their ids up.
        var log = new RequestLog();
        for (long id = 1; id <= 20; id++)
        {
            for (ulong client = 1; client <= 3; client++)
            {
                Assert.Equal(RequestVerdict.Fresh, log.Check(client, id, completedBelow: id - 1, nowMs: 0, out _));
                log.Record(client, id, completedBelow: id - 1, [(byte)client, (byte)id], nowMs: 0);
            }
        }

        Assert.Equal(3, log.Clients);
        Assert.Equal(6, log.Count);
        for (ulong client = 3; client >= 1; client--)
        {
            Assert.Equal(RequestVerdict.Replay, log.Check(client, 20, completedBelow: 19, nowMs: 0, out var answer));
            Assert.Equal([(byte)client, 20], answer);
            Assert.Equal(RequestVerdict.Completed, log.Check(client, 18, completedBelow: 19, nowMs: 0, out _));
        }
    }

    [Fact]
    public void A_pruned_client_that_comes_back_starts_afresh()
    {
        var log = new RequestLog();
        log.Record(Client, 5, completedBelow: 0, [5], nowMs: 0);
        log.PruneIdle(cutoffMs: 1);

        Assert.Equal(0, log.Clients);
        Assert.Equal(RequestVerdict.Fresh, log.Check(Client, 5, completedBelow: 0, nowMs: 2, out _));
        log.Record(Client, 6, completedBelow: 0, [6], nowMs: 2);
        Assert.Equal(1, log.Count);
        Assert.Equal(RequestVerdict.Replay, log.Check(Client, 6, completedBelow: 0, nowMs: 2, out var answer));
        Assert.Equal([6], answer);
    }

    [Fact]
    public void A_snapshot_restores_every_clients_answers()
    {
        var log = new RequestLog();
        for (long id = 1; id <= 9; id++)
        {
            log.Record(Client + (ulong)(id % 3), id, completedBelow: 0, [(byte)id], nowMs: 10);
        }

        var copy = new RequestLog();
        copy.Restore(log.Snapshot(nowMs: 10), nowMs: 100);

        Assert.Equal(3, copy.Clients);
        Assert.Equal(9, copy.Count);
        for (long id = 1; id <= 9; id++)
        {
            Assert.Equal(RequestVerdict.Replay, copy.Check(Client + (ulong)(id % 3), id, completedBelow: 0, nowMs: 100, out var answer));
            Assert.Equal([(byte)id], answer);
        }
    }
}
