using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>
/// Entry versions (optimistic concurrency): every write of a key gives it a new, larger version, reads do not; a write
/// with <see cref="OpFlags.IfVersion"/> runs only at that version (0: only while the key is absent) and otherwise changes
/// nothing and answers the current version; moves and restores keep versions, and later writes still go past them.
/// </summary>
public sealed class EntryVersionTests
{
    private readonly StoreFixture _f = new();

    private PartitionStore Store => _f.Store;

    [Fact]
    public void A_missing_key_has_version_0()
    {
        var read = Versioned(new GridOp { Code = OpCode.Get, Key = Key("k") });
        Assert.Equal(ResultStatus.NotFound, read.Status);
        Assert.True(read.HasEntryVersion);
        Assert.Equal(0, read.EntryVersion);
    }

    [Fact]
    public void Every_kind_of_write_gives_a_new_larger_version_and_reads_do_not()
    {
        var writes = new GridOp[]
        {
            new() { Code = OpCode.Set, Key = Key("s"), Value = Key("one") },
            new() { Code = OpCode.Set, Key = Key("s"), Value = Key("two") }, // same size: rewritten in place
            new() { Code = OpCode.Set, Key = Key("s"), Value = Key("a longer value") },
            new() { Code = OpCode.Expire, Key = Key("s"), Arg0 = 60_000 },
            new() { Code = OpCode.Persist, Key = Key("s") },
            new() { Code = OpCode.Append, Key = Key("s"), Value = Key("!"), Arg0 = 1_000 },
        };
        AssertEachWriteBumps("s", writes);

        AssertEachWriteBumps("n",
        [
            new() { Code = OpCode.Increment, Key = Key("n"), Arg0 = 1 }, // created
            new() { Code = OpCode.Increment, Key = Key("n"), Arg0 = 5 }, // in place
        ]);
        AssertEachWriteBumps("h",
        [
            new() { Code = OpCode.HashSet, Key = Key("h"), Field = "a", Value = Key("1") },
            new() { Code = OpCode.HashSet, Key = Key("h"), Field = "b", Value = Key("2") },
            new() { Code = OpCode.HashIncrement, Key = Key("h"), Field = "c", Arg0 = 3 },
            new() { Code = OpCode.HashDelete, Key = Key("h"), Field = "a" },
        ]);
        AssertEachWriteBumps("l",
        [
            new() { Code = OpCode.ListPush, Key = Key("l"), Values = [Key("x"), Key("y")] },
            new() { Code = OpCode.ListPush, Key = Key("l"), Values = [Key("z")], Flags = OpFlags.Left },
            new() { Code = OpCode.ListPop, Key = Key("l"), Arg0 = 1 },
        ]);
    }

    [Fact]
    public void A_set_at_the_current_version_runs_and_answers_the_new_version()
    {
        long first = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v1") }).EntryVersion;

        var written = Versioned(IfVersion(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v2") }, first));

        Assert.Equal(ResultStatus.Ok, written.Status);
        Assert.True(written.EntryVersion > first);
        Assert.Equal("v2", _f.GetString("k"));
        Assert.Equal(written.EntryVersion, VersionOf("k"));
    }

    [Fact]
    public void A_set_at_a_stale_version_changes_nothing_and_answers_the_current_version()
    {
        long first = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v1") }).EntryVersion;
        long second = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v2") }).EntryVersion;
        long storeVersion = Store.Version;

        var conflict = Versioned(IfVersion(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("lost"), Arg0 = 5_000, Tags = ["t"] }, first));

        Assert.Equal(ResultStatus.ConditionNotMet, conflict.Status);
        Assert.Equal(second, conflict.EntryVersion);
        Assert.Equal("v2", _f.GetString("k"));
        Assert.Equal(-1, _f.Ttl("k").Number);
        Assert.Equal(0, Store.TaggedCount);
        Assert.Equal(storeVersion, Store.Version);
        Assert.Equal(second, VersionOf("k"));
    }

    [Fact]
    public void Version_0_means_only_while_the_key_is_absent()
    {
        var created = Versioned(IfVersion(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("first") }, 0));
        Assert.Equal(ResultStatus.Ok, created.Status);

        var second = Versioned(IfVersion(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("second") }, 0));
        Assert.Equal(ResultStatus.ConditionNotMet, second.Status);
        Assert.Equal(created.EntryVersion, second.EntryVersion);
        Assert.Equal("first", _f.GetString("k"));
    }

    [Fact]
    public void A_remove_at_a_stale_version_keeps_the_key_and_at_the_current_one_removes_it()
    {
        long version = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v") }).EntryVersion;

        var stale = Versioned(IfVersion(new GridOp { Code = OpCode.Remove, Key = Key("k") }, version - 1));
        Assert.Equal(ResultStatus.ConditionNotMet, stale.Status);
        Assert.Equal("v", _f.GetString("k"));

        var removed = Versioned(IfVersion(new GridOp { Code = OpCode.Remove, Key = Key("k") }, version));
        Assert.Equal(ResultStatus.Ok, removed.Status);
        Assert.Equal(1, removed.Number);
        Assert.Equal(0, removed.EntryVersion);
        Assert.Null(_f.GetString("k"));
    }

    [Fact]
    public void An_expired_entry_is_absent_to_a_version_check()
    {
        long version = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v"), Arg0 = 1_000 }).EntryVersion;
        _f.Advance(1_001);

        Assert.Equal(ResultStatus.ConditionNotMet, Versioned(IfVersion(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("w") }, version)).Status);
        Assert.Equal(ResultStatus.Ok, Versioned(IfVersion(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("w") }, 0)).Status);
    }

    [Fact]
    public void A_key_written_again_after_its_removal_never_gets_an_old_version_back()
    {
        var seen = new HashSet<long>();
        for (int i = 0; i < 100; i++)
        {
            Assert.True(seen.Add(Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key($"v{i}") }).EntryVersion));
            _f.Remove("k");
        }
    }

    [Fact]
    public void Versions_follow_the_clock_so_a_restarted_partition_goes_past_what_it_handed_out()
    {
        long before = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v") }).EntryVersion;
        Assert.Equal(_f.NowMs, before >> VersionClock.SequenceBits);

        // A new, empty store of the same partition (its snapshot lost) a millisecond later still hands out larger versions.
        _f.Advance(1);
        var restarted = new PartitionStore(0, _f.Clock, new CountingAccount());
        long after = restarted.Execute(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v"), Flags = OpFlags.WithVersion }).EntryVersion;
        Assert.True(after > before);
    }

    [Fact]
    public void A_moved_partition_keeps_its_entries_versions_and_writes_past_them()
    {
        long version = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v") }).EntryVersion;
        long hash = Versioned(new GridOp { Code = OpCode.HashSet, Key = Key("h"), Field = "f", Value = Key("1") }).EntryVersion;

        // The new owner's clock is behind (another machine): its versions still go past the ones it took in.
        var moved = new PartitionStore(0, new GridClock(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(StoreFixture.Start.AddSeconds(-10))), new CountingAccount());
        moved.Restore(Store.Snapshot());

        Assert.Equal(version, Run(moved, new GridOp { Code = OpCode.Get, Key = Key("k"), Flags = OpFlags.WithVersion }).EntryVersion);
        Assert.Equal(hash, Run(moved, new GridOp { Code = OpCode.HashLength, Key = Key("h"), Flags = OpFlags.WithVersion }).EntryVersion);
        Assert.Equal(ResultStatus.Ok, Run(moved, IfVersion(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("w") }, version)).Status);
        long next = Run(moved, new GridOp { Code = OpCode.Set, Key = Key("other"), Value = Key("x"), Flags = OpFlags.WithVersion }).EntryVersion;
        Assert.True(next > Math.Max(version, hash));
    }

    [Fact]
    public void A_replica_keeps_its_primarys_versions()
    {
        long version = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v") }).EntryVersion;
        var replica = new PartitionStore(0, _f.Clock, new CountingAccount());
        replica.ApplyReplicaWrite(Store.Snapshot().Records[0]);

        Assert.Equal(version, Run(replica, new GridOp { Code = OpCode.Get, Key = Key("k"), Flags = OpFlags.WithVersion }).EntryVersion);
        long promoted = Run(replica, new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("w"), Flags = OpFlags.WithVersion }).EntryVersion;
        Assert.True(promoted > version);
    }

    [Fact]
    public void A_replayed_versioned_write_answers_what_it_answered_the_first_time()
    {
        long version = Versioned(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("v") }).EntryVersion;
        var op = IfVersion(new GridOp { Code = OpCode.Set, Key = Key("k"), Value = Key("w"), RequestId = 7 }, version);
        var context = new BatchContext { Origin = new Grid.Protocol.Wire.RequestOrigin(99, 0) };

        var first = Store.Execute(op, context);
        var again = Store.Execute(op, context);

        Assert.Equal(ResultStatus.Ok, first.Status);
        Assert.Equal(first, again);
        Assert.Equal(first.EntryVersion, VersionOf("k"));
    }

    private void AssertEachWriteBumps(string key, GridOp[] writes)
    {
        long last = VersionOf(key);
        foreach (var write in writes)
        {
            write.Flags |= OpFlags.WithVersion;
            var result = _f.Run(write);
            Assert.True(result.Status == ResultStatus.Ok, $"{write.Code}: {result.Status} {result.Error}");
            Assert.True(result.EntryVersion > last, $"{write.Code} on '{key}': version {result.EntryVersion} after {last}");
            last = result.EntryVersion;

            // Read twice: a read leaves the version alone.
            Assert.Equal(last, VersionOf(key));
            Assert.Equal(last, VersionOf(key));
        }
    }

    private long VersionOf(string key) =>
        Versioned(new GridOp { Code = OpCode.Exists, Key = Key(key) }).EntryVersion;

    private GridResult Versioned(GridOp op)
    {
        op.Flags |= OpFlags.WithVersion;
        var result = _f.Run(op);
        Assert.True(result.HasEntryVersion);
        return result;
    }

    private static GridResult Run(PartitionStore store, GridOp op) => store.Execute(op);

    private static GridOp IfVersion(GridOp op, long version)
    {
        op.Flags |= OpFlags.IfVersion;
        op.ExpectedVersion = version;
        return op;
    }

    private static byte[] Key(string text) => StoreFixture.Bytes(text);
}
