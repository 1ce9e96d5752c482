using Grid.Core.Tests.Support;
using Grid.Grains.Memory;
using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Memory;

/// <summary>
/// LRU stamps are compared by unsigned difference. A stamp slightly ahead of "now" happens when a writer reads the clock
/// just after the evictor or sweeper did, or when the wall clock is stepped back: such an entry is the newest there is.
/// </summary>
public sealed class ClockStepTests
{
    [Fact]
    public void A_stamp_just_ahead_of_now_has_age_zero()
    {
        Assert.Equal(0u, LruStamp.Age(1_000, 1_001));
        Assert.Equal(0u, LruStamp.Age(0xFFFF_FFF0, 5)); // ahead across the wrap
        Assert.Equal(10u, LruStamp.Age(1_000, 990));
        Assert.Equal(20u, LruStamp.Age(4, 0xFFFF_FFF0)); // behind across the wrap
        uint fortyDays = 40u * 24 * 3600 * 1000;
        Assert.Equal(fortyDays, LruStamp.Age(unchecked(7 + fortyDays), 7)); // long idle still reads as old
    }

    [Fact]
    public void Eviction_pool_takes_an_entry_stamped_after_its_now_last()
    {
        var store = new StoreFixture().Store;
        var pool = new EvictionPool(4);
        pool.SetNow(1_000);
        const ulong old = 2;
        pool.Offer(store, 1, 1_001); // touched by a writer a millisecond after the evictor read the clock
        pool.Offer(store, old, 500);
        Assert.True(pool.TryTakeOldest(out var first));
        Assert.Equal(old, first.KeyHash);
    }

    [Fact]
    public void Sweep_does_not_age_an_entry_stamped_after_the_sweep_read_the_clock()
    {
        var time = new SteppableTimeProvider(StoreFixture.Start);
        var store = new PartitionStore(0, new GridClock(time), new CountingAccount());
        store.Execute(new GridOp { Code = OpCode.Set, Key = [1], Value = [1] });
        uint stamp = EntryRecord.Stamp(StoreInspector.Record(store, "\u0001")!);
        time.Advance(-5); // clock stepped back 5 ms
        store.SweepExpired(10);
        Assert.Equal(stamp, EntryRecord.Stamp(StoreInspector.Record(store, "\u0001")!));
    }

    [Fact]
    public void Keys_written_just_before_the_clock_stepped_back_survive_eviction()
    {
        var time = new SteppableTimeProvider(StoreFixture.Start);
        var clock = new GridClock(time);
        var registry = new PartitionStoreRegistry(16);
        const long budget = 1L << 20;
        var memory = new SiloMemoryBudget(budget, registry, clock);
        for (int p = 0; p < 16; p++)
        {
            registry.Register(new PartitionStore(p, clock, memory));
        }

        var f = new BudgetFixtureView(registry);
        int n = 0;
        while (memory.UsedBytes < budget * 9 / 10)
        {
            f.Set(BudgetFixture.Key("old:", n++));
            time.Advance(1);
        }

        // The newest 10% were written in the last n/10 ms; the clock now steps back over them, then the flood comes.
        int recent = n / 10;
        time.Advance(-recent);
        for (int i = 0; i < n / 3; i++)
        {
            f.Set(BudgetFixture.Key("new:", i));
            memory.EnforceBudget();
        }

        int survived = Enumerable.Range(n - recent, recent).Count(i => f.Exists(BudgetFixture.Key("old:", i)));
        Assert.True(survived >= recent * 0.9, $"only {survived} of the {recent} newest keys survived");
    }

    private sealed class BudgetFixtureView(PartitionStoreRegistry registry)
    {
        private PartitionStore StoreOf(byte[] key) => registry.TryGet(Grid.Partitioning.PartitionHasher.GetPartition(key, registry.PartitionCount))!;

        public void Set(string key)
        {
            var k = StoreFixture.Bytes(key);
            Assert.Equal(ResultStatus.Ok, StoreOf(k).Execute(new GridOp { Code = OpCode.Set, Key = k, Value = new byte[200] }).Status);
        }

        public bool Exists(string key)
        {
            var k = StoreFixture.Bytes(key);
            return StoreOf(k).Execute(new GridOp { Code = OpCode.TimeToLive, Key = k }).Status == ResultStatus.Ok;
        }
    }
}
