using Grid.Core.Tests.Support;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Tags;

/// <summary>What the tag pump records from a store's changes (delivery is covered by the cluster tests).</summary>
public sealed class TagIndexPumpTests
{
    private readonly FakeTimeProvider _time = new(StoreFixture.Start);
    private readonly TagIndexPump _pump = new(null!, Options.Create(new GridSiloOptions()), NullLogger<TagIndexPump>.Instance);
    private readonly PartitionStore _store;

    public TagIndexPumpTests() => _store = new PartitionStore(0, new GridClock(_time), new CountingAccount(), _pump);

    private void Set(string key, string[]? tags = null, long ttlMs = 0) =>
        _store.Execute(new GridOp { Code = OpCode.Set, Key = StoreFixture.Bytes(key), Value = [1], Tags = tags, Arg0 = ttlMs });

    [Fact]
    public void Untagged_writes_record_nothing()
    {
        Set("a");
        Set("a");
        _store.Execute(new GridOp { Code = OpCode.Remove, Key = StoreFixture.Bytes("a") });
        Assert.Equal(0, _pump.Recorded);
    }

    [Fact]
    public void Announcing_a_recovered_partition_records_an_addition_for_every_tag_of_every_live_tagged_entry()
    {
        // Restored from a replica: the store's own listener heard nothing of these entries.
        var recovered = new PartitionStore(1, new GridClock(_time), new CountingAccount());
        var snapshotSource = new PartitionStore(1, new GridClock(_time), new CountingAccount());
        snapshotSource.Execute(new GridOp { Code = OpCode.Set, Key = StoreFixture.Bytes("a"), Value = [1], Tags = ["t1", "t2"] });
        snapshotSource.Execute(new GridOp { Code = OpCode.Set, Key = StoreFixture.Bytes("b"), Value = [1], Tags = ["t1"] });
        snapshotSource.Execute(new GridOp { Code = OpCode.Set, Key = StoreFixture.Bytes("plain"), Value = [1] });
        snapshotSource.Execute(new GridOp { Code = OpCode.Set, Key = StoreFixture.Bytes("expiring"), Value = [1], Tags = ["t1"], Arg0 = 1000 });
        recovered.Restore(snapshotSource.Snapshot());
        _time.Advance(TimeSpan.FromSeconds(2));

        _pump.Announce(recovered);

        Assert.Equal(3, _pump.Recorded);
        Assert.Equal(3, _pump.Pending);
    }

    [Fact]
    public void A_write_records_each_new_tag_and_an_overwrite_only_what_changed()
    {
        Set("a", ["t1", "t2"]);
        Assert.Equal(2, _pump.Recorded);
        Set("a", ["t1", "t2"]);
        Assert.Equal(2, _pump.Recorded);
        Set("a", ["t2", "t3"]);
        Assert.Equal(4, _pump.Recorded);
        Set("a");
        Assert.Equal(6, _pump.Recorded);
    }

    [Fact]
    public void Removal_expiry_and_eviction_record_every_tag_the_entry_had()
    {
        Set("deleted", ["t1", "t2"]);
        _store.Execute(new GridOp { Code = OpCode.Remove, Key = StoreFixture.Bytes("deleted") });
        Assert.Equal(4, _pump.Recorded);

        Set("expiring", ["t1"], ttlMs: 1000);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, _store.SweepExpired(10));
        Assert.Equal(6, _pump.Recorded);

        Set("evicted", ["t1"]);
        var pool = new EvictionPool(16);
        _store.Sample(pool, 5, new Random(1));
        Assert.True(pool.TryTakeOldest(out var candidate));
        Assert.True(_store.TryEvict(candidate.KeyHash, candidate.Stamp));
        Assert.Equal(8, _pump.Recorded);
        Assert.Equal(8, _pump.Pending);
    }
}
