using Grid.Core.Tests.Support;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grid.Core.Tests.Memory;

public sealed class ExpirySweeperTests
{
    private static string K(int i) => BudgetFixture.Key("k", i);

    private static ExpirySweeper Sweeper(BudgetFixture f) =>
        new(f.Registry, f.Clock, Options.Create(new GridSiloOptions()), NullLogger<ExpirySweeper>.Instance);

    [Fact]
    public void Sweep_removes_expired_entries_and_keeps_live_ones()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 100; i++)
        {
            f.Set(K(i), "v", ttlMs: i % 2 == 0 ? 100 : 0);
        }

        f.Advance(100);
        Assert.Equal(50, f.Store.SweepExpired(1_000));
        Assert.Equal(50, f.Store.Count);
        Assert.Equal(50, f.Store.Counters.Expirations);
        for (int i = 1; i < 100; i += 2)
        {
            Assert.Equal("v", f.GetString(K(i)));
        }

        StoreInspector.AssertConsistent(f.Store);
        Assert.Equal(f.Store.Bytes, f.Account.Total);
    }

    [Fact]
    public void Sweep_removes_nothing_before_the_deadline()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 100; i++)
        {
            f.Set(K(i), "v", ttlMs: 100);
        }

        f.Advance(99);
        Assert.Equal(0, f.Store.SweepExpired(1_000));
        Assert.Equal(100, f.Store.Count);
    }

    [Fact]
    public void Sweep_checks_at_most_max_checks_records_per_call()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 1_000; i++)
        {
            f.Set(K(i), "v", ttlMs: 100);
        }

        f.Advance(100);
        Assert.Equal(10, f.Store.SweepExpired(10));
        Assert.Equal(990, f.Store.Count);
        Assert.Equal(0, f.Store.SweepExpired(0));
        Assert.Equal(37, f.Store.SweepExpired(37));
        Assert.Equal(953, f.Store.Count);
    }

    [Fact]
    public void Successive_sweeps_visit_every_record_once_per_cycle()
    {
        // 1000 records with every other one expired: 20 calls of 50 checks each look at all 1000 exactly once.
        var f = new StoreFixture();
        for (int i = 0; i < 1_000; i++)
        {
            f.Set(K(i), "v", ttlMs: i % 2 == 0 ? 100 : 10_000);
        }

        f.Advance(100);
        int removed = 0;
        for (int call = 0; call < 20; call++)
        {
            int n = f.Store.SweepExpired(50);
            Assert.InRange(n, 0, 50);
            removed += n;
        }

        Assert.Equal(500, removed);
        Assert.Equal(500, f.Store.Count);
        Assert.Equal(0, f.Store.SweepExpired(500));
        StoreInspector.AssertConsistent(f.Store);
    }

    [Fact]
    public void Repeated_small_sweeps_eventually_clear_everything_expired_while_the_store_changes()
    {
        var f = new StoreFixture();
        var random = new Random(8);
        for (int i = 0; i < 5_000; i++)
        {
            f.Set(K(i), "v", ttlMs: 1 + random.Next(1_000));
        }

        // Writes and removals between sweeps move records around (swap-remove, shrink); the cursor must still cover all.
        for (int round = 0; round < 2_000 && f.Store.Count > 0; round++)
        {
            f.Advance(1);
            f.Store.SweepExpired(20);
            f.Remove(K(random.Next(5_000)));
        }

        f.Advance(1_000);
        for (int round = 0; round < 1_000 && f.Store.Count > 0; round++)
        {
            f.Store.SweepExpired(20);
        }

        Assert.Equal(0, f.Store.Count);
        Assert.Equal(StoreFixture.EmptyStoreBytes(), f.Store.Bytes);
    }

    [Fact]
    public void Sweep_clamps_the_lru_stamp_of_long_idle_entries()
    {
        var f = new StoreFixture();
        f.Set("idle", "v");
        f.Advance((long)TimeSpan.FromDays(30).TotalMilliseconds);
        f.Set("fresh", "v");
        f.Store.SweepExpired(10);
        uint now = unchecked((uint)f.NowMs);
        uint maxAge = 20u * 24 * 3600 * 1000;
        Assert.Equal(unchecked(now - maxAge), EntryRecord.Stamp(StoreInspector.Record(f.Store, "idle")!));
        Assert.Equal(now, EntryRecord.Stamp(StoreInspector.Record(f.Store, "fresh")!));
    }

    [Fact]
    public void Sweep_of_a_closed_store_does_nothing()
    {
        var f = new StoreFixture();
        f.Set("k", "v", ttlMs: 1);
        f.Advance(1);
        f.Store.Close();
        Assert.Equal(0, f.Store.SweepExpired(10));
    }

    [Fact]
    public void Sweep_once_covers_every_store_and_counts_expirations()
    {
        var f = new BudgetFixture(1L << 30, 8);
        for (int i = 0; i < 400; i++)
        {
            f.Run(new Grid.Protocol.GridOp { Code = Grid.Protocol.OpCode.Set, Key = StoreFixture.Bytes(K(i)), Value = [1], Arg0 = 100 });
        }

        long before = f.Budget.UsedBytes;
        f.Time.Advance(TimeSpan.FromMilliseconds(100));
        var sweeper = Sweeper(f);
        int removed = 0;
        for (int tick = 0; tick < 100 && f.Count > 0; tick++)
        {
            removed += sweeper.SweepOnce(20);
        }

        Assert.Equal(400, removed);
        Assert.Equal(0, f.Count);
        Assert.Equal(400, f.Registry.All.Sum(s => s.Counters.Expirations));
        Assert.True(f.Budget.UsedBytes < before);
        Assert.Equal(f.StoreBytes, f.Budget.UsedBytes);
    }

    [Fact]
    public void Sweep_once_passes_over_stores_where_nothing_can_expire_except_every_idle_interval()
    {
        var f = new BudgetFixture(1L << 30, 8);
        for (int i = 0; i < 400; i++)
        {
            f.Run(new Grid.Protocol.GridOp { Code = Grid.Protocol.OpCode.Set, Key = StoreFixture.Bytes(K(i)), Value = [1] });
        }

        // Thirty days idle: only a sweep that visits an entry pulls its LRU stamp back into range.
        f.Time.Advance(TimeSpan.FromDays(30));
        var sweeper = Sweeper(f);
        uint Stamp() => EntryRecord.Stamp(StoreInspector.Record(f.StoreOf(K(0)), K(0))!);
        uint idle = Stamp();

        sweeper.SweepOnce(1_000);
        uint afterFirst = Stamp();
        Assert.NotEqual(idle, afterFirst);

        // The first sweep was an idle-interval one; the next ones skip stores without deadlines until the interval comes round.
        f.Time.Advance(TimeSpan.FromDays(1));
        for (int tick = 1; tick < ExpirySweeper.IdleSweepEvery; tick++)
        {
            sweeper.SweepOnce(1_000);
        }

        Assert.Equal(afterFirst, Stamp());
        sweeper.SweepOnce(1_000);
        Assert.NotEqual(afterFirst, Stamp());
    }

    [Fact]
    public void Sweep_once_makes_at_most_four_passes_per_store()
    {
        var f = new BudgetFixture(1L << 30, 1);
        for (int i = 0; i < 1_000; i++)
        {
            f.Set(K(i), 1);
        }

        foreach (var store in f.Registry.All)
        {
            for (int i = 0; i < 1_000; i++)
            {
                store.Execute(new Grid.Protocol.GridOp { Code = Grid.Protocol.OpCode.Expire, Key = StoreFixture.Bytes(K(i)), Arg0 = 10 });
            }
        }

        f.Time.Advance(TimeSpan.FromMilliseconds(10));
        var sweeper = Sweeper(f);
        Assert.Equal(80, sweeper.SweepOnce(20)); // every pass found 20 of 20 expired: 4 passes, then stop
        Assert.Equal(920, f.Count);
    }

    [Fact]
    public void Sweep_once_stops_after_one_pass_when_few_checked_entries_had_expired()
    {
        var f = new BudgetFixture(1L << 30, 1);
        for (int i = 0; i < 1_000; i++)
        {
            // With a time to live (an hour), so each record has an expiry field to move below.
            var set = f.Run(new Grid.Protocol.GridOp { Code = Grid.Protocol.OpCode.Set, Key = System.Text.Encoding.UTF8.GetBytes(K(i)), Value = new byte[1], Arg0 = 3_600_000 });
            Assert.Equal(Grid.Protocol.ResultStatus.Ok, set.Status);
        }

        var store = f.Registry.All[0];
        // Only the first 5 records (cursor order) expire: the first pass finds 5 of 20 (= 25%), which is not more than a quarter.
        var table = StoreInspector.TableOf(store);
        for (int i = 0; i < 5; i++)
        {
            EntryRecord.SetExpiresAt(table.RecordAt(i), f.Clock.NowMs);
        }

        for (int i = 40; i < 60; i++)
        {
            EntryRecord.SetExpiresAt(table.RecordAt(i), f.Clock.NowMs);
        }

        Assert.Equal(5, Sweeper(f).SweepOnce(20));
    }
}
