using System.Text;
using Grid.Grains.Replication;
using Grid.Grains.Storage;

namespace Grid.Core.Tests.Replication;

public sealed class ReplicaRegistryTests
{
    private const int Partition = 7;

    [Fact]
    public void A_seed_replaces_the_replica_and_later_writes_apply_in_version_order()
    {
        var registry = new ReplicaRegistry(GridClock.System);
        registry.Apply([Seed(10, ("a", "1"), ("b", "1"))]);
        registry.Apply([Write(11, "a", "2"), Remove(12, "b"), Write(13, "c", "3")]);

        Assert.Equal(13, registry.VersionOf(Partition));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["c"] = "3" }, Contents(registry));
        registry.Apply([Seed(20, ("z", "9"))]);
        Assert.Equal(new Dictionary<string, string> { ["z"] = "9" }, Contents(registry));
    }

    [Fact]
    public void Items_not_newer_than_the_replica_are_ignored_so_a_retried_shipment_is_harmless()
    {
        var registry = new ReplicaRegistry(GridClock.System);
        registry.Apply([Seed(10, ("a", "1"))]);
        var batch = new[] { Write(11, "a", "2"), Write(12, "a", "3") };
        registry.Apply(batch);
        registry.Apply(batch);
        registry.Apply([Write(9, "a", "old"), Write(10, "b", "covered by the seed")]);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "3" }, Contents(registry));
        Assert.Equal(12, registry.VersionOf(Partition));
    }

    [Fact]
    public void A_seed_older_than_the_replica_arriving_late_is_ignored_so_a_shipment_sent_again_after_its_bound_is_harmless()
    {
        // The first call of a shipment was abandoned at its bound and the frame sent again; the first call arrives after
        // all, after later changes were applied. Taking its seed would lose them.
        var registry = new ReplicaRegistry(GridClock.System);
        var seed = Seed(10, ("a", "1"));
        registry.Apply([seed]);
        registry.Apply([Write(11, "a", "2"), Write(12, "b", "2")]);

        registry.Apply([seed]);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["b"] = "2" }, Contents(registry));
        Assert.Equal(12, registry.VersionOf(Partition));
    }

    [Fact]
    public void Versions_of_many_partitions_are_answered_in_order_with_minus_one_where_there_is_no_replica()
    {
        var registry = new ReplicaRegistry(GridClock.System);
        registry.Apply([Seed(10, ("a", "1")), Write(11, "a", "2")]);

        Assert.Equal([-1L, 11L, -1L, 11L], registry.VersionsOf([Partition + 1, Partition, 0, Partition]));
        Assert.Empty(registry.VersionsOf([]));
    }

    [Fact]
    public void Writes_for_a_partition_with_no_seed_are_ignored()
    {
        var registry = new ReplicaRegistry(GridClock.System);
        registry.Apply([Write(5, "a", "1")]);
        Assert.Equal(-1, registry.VersionOf(Partition));
        Assert.Null(registry.Snapshot(Partition));
    }

    [Fact]
    public void A_drop_removes_a_replica_only_when_it_is_not_newer_than_the_drop()
    {
        var registry = new ReplicaRegistry(GridClock.System);
        registry.Apply([Seed(10, ("a", "1")), Write(15, "a", "2")]);
        registry.Apply([Drop(12)]);
        Assert.Equal(15, registry.VersionOf(Partition));

        registry.Apply([Drop(15)]);
        Assert.Equal(-1, registry.VersionOf(Partition));
        Assert.Equal(0, registry.Bytes);
    }

    [Fact]
    public void An_adopted_copy_is_a_replica_its_next_activation_can_take_back()
    {
        var registry = new ReplicaRegistry(GridClock.System);
        var store = new PartitionStore(Partition, GridClock.System, new Support.CountingAccount());
        store.Execute(new Protocol.GridOp { Code = Protocol.OpCode.Set, Key = Encoding.UTF8.GetBytes("k"), Value = Encoding.UTF8.GetBytes("v") });
        registry.Adopt(Partition, store.Snapshot());

        Assert.Equal(store.Version, registry.VersionOf(Partition));
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v" }, Contents(registry));
        Assert.True(registry.Bytes > 0);
        registry.Remove(Partition);
        Assert.Equal(0, registry.Bytes);
    }

    private static Dictionary<string, string> Contents(ReplicaRegistry registry) =>
        registry.Snapshot(Partition)!.Records.ToDictionary(r => Encoding.UTF8.GetString(EntryRecord.Key(r)), r => Encoding.UTF8.GetString(EntryRecord.Value(r)));

    private static byte[] Record(string key, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var record = EntryRecord.Create(GridValueType.String, Encoding.UTF8.GetBytes(key), EntryExpiry.None, [], bytes.Length, GridClock.System.NowMs, out int offset);
        bytes.CopyTo(record.AsSpan(offset));
        return record;
    }

    private static ReplicaItem Seed(long version, params (string Key, string Value)[] entries) => new()
    {
        Kind = ReplicaItemKind.Seed,
        Partition = Partition,
        Version = version,
        Seed = new StoreSnapshot { Version = version, Records = entries.Select(e => Record(e.Key, e.Value)).ToArray() },
    };

    private static ReplicaItem Write(long version, string key, string value) =>
        new() { Kind = ReplicaItemKind.Write, Partition = Partition, Version = version, Record = Record(key, value) };

    private static ReplicaItem Remove(long version, string key) =>
        new() { Kind = ReplicaItemKind.Remove, Partition = Partition, Version = version, Record = Encoding.UTF8.GetBytes(key) };

    private static ReplicaItem Drop(long version) => new() { Kind = ReplicaItemKind.Drop, Partition = Partition, Version = version };
}
