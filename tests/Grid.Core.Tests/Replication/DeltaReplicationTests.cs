using Grid.Tests.Shared.Replication;
using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Replication;

/// <summary>
/// Hashes and lists replicate as deltas: a replica that follows its primary's items (shipped as frames) holds what the
/// primary holds; a delta the replica cannot follow (it missed a change, or its copy does not fit) drops the replica and
/// asks for a seed instead of diverging.
/// </summary>
public sealed class DeltaReplicationTests
{
    private const int Partition = 3;

    [Fact]
    public void A_replica_following_random_hash_list_and_string_ops_equals_its_primary()
    {
        var (primary, recorder, registry) = Pair();
        var random = new Random(42);
        for (int i = 0; i < 4_000; i++)
        {
            primary.Execute(RandomOp(random));
            if (random.Next(20) == 0)
            {
                Assert.Empty(Ship(recorder, registry));
            }
        }

        Assert.Empty(Ship(recorder, registry));
        Assert.Equal(SnapshotContents.Of(primary.Snapshot()), SnapshotContents.Of(registry.Snapshot(Partition)!));
        Assert.Equal(primary.Version, registry.VersionOf(Partition));
        Assert.True(recorder.Deltas > 1_000, $"{recorder.Deltas} deltas");
        Assert.Equal(0, recorder.WholeStructures);
    }

    [Fact]
    public void An_hset_on_a_large_hash_ships_the_field_not_the_hash()
    {
        var (primary, recorder, registry) = Pair();
        for (int i = 0; i < 10_000; i++)
        {
            primary.Execute(new GridOp { Code = OpCode.HashSet, Key = Bytes("big"), Field = $"field:{i}", Value = Bytes($"value:{i}") });
        }

        Assert.Empty(Ship(recorder, registry));
        primary.Execute(new GridOp { Code = OpCode.HashSet, Key = Bytes("big"), Field = "field:5", Value = Bytes("changed") });
        var item = Assert.Single(recorder.Items);
        Assert.Equal(ReplicaItemKind.Delta, item.Kind);
        Assert.True(ReplicaFrame.Encode([item]).Length < 100, "one field's frame is small");

        Assert.Empty(Ship(recorder, registry));
        Assert.Equal(SnapshotContents.Of(primary.Snapshot()), SnapshotContents.Of(registry.Snapshot(Partition)!));
    }

    [Fact]
    public void A_delta_after_a_missed_change_drops_the_replica_and_asks_for_a_seed()
    {
        var (primary, recorder, registry) = Pair();
        primary.Execute(new GridOp { Code = OpCode.HashSet, Key = Bytes("h"), Field = "a", Value = Bytes("1") });
        Assert.Empty(Ship(recorder, registry));
        primary.Execute(new GridOp { Code = OpCode.HashSet, Key = Bytes("h"), Field = "b", Value = Bytes("2") });
        primary.Execute(new GridOp { Code = OpCode.HashSet, Key = Bytes("h"), Field = "c", Value = Bytes("3") });
        recorder.Items.RemoveAt(0);

        Assert.Equal([Partition], Ship(recorder, registry));
        Assert.Equal(-1, registry.VersionOf(Partition));

        // The primary's new seed brings the replica back.
        registry.Apply([new ReplicaItem { Kind = ReplicaItemKind.Seed, Partition = Partition, Version = primary.Version, Seed = primary.Snapshot() }]);
        Assert.Equal(SnapshotContents.Of(primary.Snapshot()), SnapshotContents.Of(registry.Snapshot(Partition)!));
    }

    [Fact]
    public void A_delta_that_does_not_fit_the_replica_copy_drops_the_replica_and_asks_for_a_seed()
    {
        var (primary, recorder, registry) = Pair();
        primary.Execute(new GridOp { Code = OpCode.ListPush, Key = Bytes("l"), Values = [Bytes("x")] });
        Assert.Empty(Ship(recorder, registry));

        // The replica's copy lost its element behind the primary's back (as if it had diverged).
        registry.StoreOf(Partition)!.ApplyReplicaRemove(Bytes("l"));
        primary.Execute(new GridOp { Code = OpCode.ListPush, Key = Bytes("l"), Values = [Bytes("y")] });

        Assert.Equal([Partition], Ship(recorder, registry));
        Assert.Equal(-1, registry.VersionOf(Partition));
    }

    [Fact]
    public void Changes_made_while_the_seed_was_taken_are_covered_by_it_and_later_deltas_chain_to_it()
    {
        var (primary, recorder, registry) = Pair();
        primary.Execute(new GridOp { Code = OpCode.HashSet, Key = Bytes("h"), Field = "a", Value = Bytes("1") });
        var covered = recorder.Items.ToArray();
        recorder.Items.Clear();

        // A new seed (its marker queued before these items): the outbox resets the chain, so the next delta follows the seed.
        recorder.Reseed();
        var seed = new ReplicaItem { Kind = ReplicaItemKind.Seed, Partition = Partition, Version = primary.Version, Seed = primary.Snapshot() };
        primary.Execute(new GridOp { Code = OpCode.HashSet, Key = Bytes("h"), Field = "b", Value = Bytes("2") });
        var fresh = new ReplicaRegistry(GridClock.System);
        Assert.Empty(fresh.Apply([seed, .. covered, .. recorder.Items]));
        Assert.Equal(SnapshotContents.Of(primary.Snapshot()), SnapshotContents.Of(fresh.Snapshot(Partition)!));
    }

    private static (PartitionStore Primary, Recorder Recorder, ReplicaRegistry Registry) Pair()
    {
        var recorder = new Recorder();
        var primary = new PartitionStore(Partition, GridClock.System, new CountingAccount(), recorder);
        var registry = new ReplicaRegistry(GridClock.System);
        registry.Apply([new ReplicaItem { Kind = ReplicaItemKind.Seed, Partition = Partition, Version = primary.Version, Seed = primary.Snapshot() }]);
        return (primary, recorder, registry);
    }

    /// <summary>Ships what the primary recorded as one frame, as the pump does; returns the partitions to seed again.</summary>
    private static int[] Ship(Recorder recorder, ReplicaRegistry registry)
    {
        var frame = ReplicaFrame.Encode([.. recorder.Items]);
        recorder.Items.Clear();
        return registry.Apply(ReplicaFrame.Decode(frame));
    }

    private static GridOp RandomOp(Random random)
    {
        var hashKey = Bytes($"h{random.Next(8)}");
        var listKey = Bytes($"l{random.Next(8)}");
        var value = Bytes($"v{random.Next(100_000)}");
        return random.Next(100) switch
        {
            < 30 => new GridOp { Code = OpCode.HashSet, Key = hashKey, Field = $"f{random.Next(30)}", Value = value },
            < 40 => new GridOp { Code = OpCode.HashDelete, Key = hashKey, Field = $"f{random.Next(30)}" },
            < 45 => new GridOp { Code = OpCode.HashIncrement, Key = hashKey, Field = "n", Arg0 = random.Next(-3, 9) },
            < 65 => new GridOp
            {
                Code = OpCode.ListPush,
                Key = listKey,
                Values = [.. Enumerable.Range(0, random.Next(1, 4)).Select(i => Bytes($"e{random.Next(1000)}"))],
                Flags = random.Next(2) == 0 ? OpFlags.Left : OpFlags.None,
            },
            < 78 => new GridOp { Code = OpCode.ListPop, Key = listKey, Arg0 = random.Next(1, 3), Flags = random.Next(2) == 0 ? OpFlags.Left : OpFlags.None },
            < 88 => new GridOp { Code = OpCode.Set, Key = Bytes($"s{random.Next(8)}"), Value = value },
            < 94 => new GridOp { Code = OpCode.Expire, Key = random.Next(2) == 0 ? hashKey : listKey, Arg0 = 3_600_000 },
            _ => new GridOp { Code = OpCode.Remove, Key = random.Next(3) switch { 0 => hashKey, 1 => listKey, _ => Bytes($"s{random.Next(8)}") } },
        };
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Turns a primary's changes into replica items chained as the outbox chains them.</summary>
    private sealed class Recorder : IStoreChangeListener
    {
        private long _last;

        public List<ReplicaItem> Items { get; } = [];

        public int Deltas { get; private set; }

        public int WholeStructures { get; private set; }

        public void Reseed() => _last = 0;

        public void OnChanged(in StoreChange change)
        {
            if (change.Kind == StoreChangeKind.TrackingEvicted)
            {
                return;
            }

            var item = ReplicaItem.From(change);
            if (item.Kind != ReplicaItemKind.Request)
            {
                item.PreviousVersion = _last;
                _last = item.Version;
            }

            Deltas += item.Kind == ReplicaItemKind.Delta ? 1 : 0;
            WholeStructures += item.Structure is null ? 0 : 1;
            Items.Add(item);
        }
    }
}
