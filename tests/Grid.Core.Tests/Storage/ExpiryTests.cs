using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

public sealed class ExpiryTests
{
    private readonly StoreFixture _f = new();

    private PartitionStore Store => _f.Store;

    [Fact]
    public void Set_with_ttl_expires_entry_after_ttl()
    {
        _f.Set("k", "v", ttlMs: 1_000);
        _f.Advance(999);
        Assert.Equal("v", _f.GetString("k"));
        _f.Advance(1);
        Assert.Equal(ResultStatus.NotFound, _f.Get("k").Status);
        Assert.Equal(1, Store.Counters.Expirations);
        Assert.Equal(0, Store.Count);
    }

    [Fact]
    public void Expired_entry_stays_in_memory_until_it_is_touched_then_is_removed_lazily()
    {
        long empty = Store.Bytes;
        _f.Set("k", "v", ttlMs: 10);
        _f.Advance(50);
        Assert.Equal(1, Store.Count);
        Assert.Equal(0, Store.Counters.Expirations);
        Assert.Equal(0, _f.Exists("k").Number);
        Assert.Equal(0, Store.Count);
        Assert.Equal(1, Store.Counters.Expirations);
        Assert.Equal(empty, Store.Bytes);
        Assert.Equal(empty, _f.Account.Total);
    }

    [Theory]
    [InlineData(OpCode.Get)]
    [InlineData(OpCode.Exists)]
    [InlineData(OpCode.TimeToLive)]
    [InlineData(OpCode.Type)]
    [InlineData(OpCode.Remove)]
    [InlineData(OpCode.Expire)]
    [InlineData(OpCode.Persist)]
    [InlineData(OpCode.Increment)]
    [InlineData(OpCode.HashLength)]
    [InlineData(OpCode.ListLength)]
    public void Every_operation_sees_an_expired_key_as_missing_and_counts_the_expiration(OpCode code)
    {
        _f.Set("k", "v", ttlMs: 10);
        _f.Advance(10);
        var result = _f.Run(new GridOp { Code = code, Key = StoreFixture.Bytes("k"), Arg0 = code == OpCode.Expire ? 1_000 : 3 });
        Assert.NotEqual(ResultStatus.WrongType, result.Status);
        Assert.Equal(1, Store.Counters.Expirations);
        if (code != OpCode.Increment)
        {
            Assert.Equal(0, Store.Count);
        }
        else
        {
            Assert.Equal(3, result.Number); // a fresh counter
        }
    }

    [Fact]
    public void Time_to_live_reports_remaining_ms_minus_one_without_expiry_and_not_found_when_missing()
    {
        Assert.Equal(ResultStatus.NotFound, _f.Ttl("k").Status);
        _f.Set("k", "v");
        Assert.Equal(-1, _f.Ttl("k").Number);
        _f.Set("t", "v", ttlMs: 5_000);
        _f.Advance(1_234);
        Assert.Equal(3_766, _f.Ttl("t").Number);
    }

    [Fact]
    public void Expire_gives_an_existing_key_a_time_to_live()
    {
        Assert.Equal(0, _f.Expire("k", 1_000).Number);
        Assert.Equal(0, Store.Count);
        _f.Set("k", "v");
        Assert.Equal(1, _f.Expire("k", 1_000).Number);
        Assert.Equal(1_000, _f.Ttl("k").Number);
        _f.Advance(1_000);
        Assert.Equal(ResultStatus.NotFound, _f.Get("k").Status);
    }

    [Fact]
    public void Expire_replaces_an_earlier_time_to_live()
    {
        _f.Set("k", "v", ttlMs: 100);
        _f.Expire("k", 10_000);
        _f.Advance(5_000);
        Assert.Equal("v", _f.GetString("k"));
        _f.Expire("k", 10);
        _f.Advance(10);
        Assert.Equal(0, _f.Exists("k").Number);
    }

    [Fact]
    public void Persist_removes_the_expiry_and_answers_whether_there_was_one()
    {
        Assert.Equal(0, _f.Persist("missing").Number);
        _f.Set("plain", "v");
        Assert.Equal(0, _f.Persist("plain").Number);
        _f.Set("k", "v", ttlMs: 100);
        Assert.Equal(1, _f.Persist("k").Number);
        Assert.Equal(-1, _f.Ttl("k").Number);
        _f.Advance(1_000_000);
        Assert.Equal("v", _f.GetString("k"));
    }

    [Fact]
    public void Set_without_ttl_clears_a_previous_ttl()
    {
        _f.Set("k", "v", ttlMs: 100);
        _f.Set("k", "w");
        _f.Advance(1_000);
        Assert.Equal("w", _f.GetString("k"));
    }

    [Fact]
    public void Sliding_expiration_is_extended_by_reads()
    {
        _f.Set("k", "v", slidingMs: 1_000);
        for (int i = 0; i < 20; i++)
        {
            _f.Advance(900);
            Assert.Equal("v", _f.GetString("k"));
            Assert.Equal(1_000, _f.Ttl("k").Number);
        }

        _f.Advance(1_000);
        Assert.Equal(ResultStatus.NotFound, _f.Get("k").Status);
        Assert.Equal(1, Store.Counters.Expirations);
    }

    [Fact]
    public void Sliding_expiration_is_not_extended_by_ttl_or_type_queries()
    {
        _f.Set("k", "v", slidingMs: 1_000);
        _f.Advance(600);
        Assert.Equal(400, _f.Ttl("k").Number);
        _f.TypeOf("k");
        _f.Advance(400);
        Assert.Equal(0, _f.Exists("k").Number);
    }

    [Fact]
    public void Exists_counts_as_a_read_for_sliding_expiration()
    {
        _f.Set("k", "v", slidingMs: 1_000);
        _f.Advance(900);
        Assert.Equal(1, _f.Exists("k").Number);
        _f.Advance(900);
        Assert.Equal("v", _f.GetString("k"));
    }

    [Fact]
    public void Sliding_expiration_is_capped_by_an_absolute_ttl()
    {
        _f.Set("k", "v", ttlMs: 2_500, slidingMs: 1_000);
        Assert.Equal(1_000, _f.Ttl("k").Number);
        _f.Advance(900);
        Assert.Equal("v", _f.GetString("k"));
        _f.Advance(900);
        Assert.Equal("v", _f.GetString("k")); // at 1800: deadline min(2800, 2500) = 2500
        Assert.Equal(700, _f.Ttl("k").Number);
        _f.Advance(600);
        Assert.Equal("v", _f.GetString("k")); // at 2400
        Assert.Equal(100, _f.Ttl("k").Number);
        _f.Advance(100);
        Assert.Equal(ResultStatus.NotFound, _f.Get("k").Status); // at 2500, despite the reads
    }

    [Fact]
    public void Sliding_without_reads_expires_after_the_window()
    {
        _f.Set("k", "v", ttlMs: 10_000, slidingMs: 1_000);
        _f.Advance(1_000);
        Assert.Equal(ResultStatus.NotFound, _f.Get("k").Status);
    }

    [Fact]
    public void Expire_on_a_sliding_entry_makes_the_deadline_fixed()
    {
        _f.Set("k", "v", slidingMs: 1_000);
        long bytes = Store.Bytes;
        Assert.Equal(1, _f.Expire("k", 5_000).Number);
        Assert.False(EntryRecord.HasSliding(StoreInspector.Record(Store, "k")!));
        Assert.True(Store.Bytes < bytes);
        _f.Advance(4_000);
        Assert.Equal("v", _f.GetString("k"));
        _f.Advance(1_000);
        Assert.Equal(ResultStatus.NotFound, _f.Get("k").Status);
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Persist_on_a_sliding_entry_drops_the_window()
    {
        _f.Set("k", "v", ttlMs: 5_000, slidingMs: 1_000, tags: ["t"]);
        Assert.Equal(1, _f.Persist("k").Number);
        var record = StoreInspector.Record(Store, "k")!;
        Assert.Equal(EntryExpiry.None, EntryRecord.GetExpiry(record));
        Assert.Equal(["t"], EntryRecord.DecodeTags(record));
        _f.Advance(100_000);
        Assert.Equal("v", _f.GetString("k"));
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Counter_sliding_window_is_extended_by_increments()
    {
        _f.Set("n", "1", slidingMs: 1_000);
        _f.Advance(500);
        Assert.Equal(2, _f.Increment("n", 1).Number); // converts to a counter: keeps the window
        _f.Advance(900);
        Assert.Equal(3, _f.Increment("n", 1).Number);
        _f.Advance(900);
        Assert.Equal("3", _f.GetString("n"));
    }

    [Fact]
    public void Hash_and_list_expire_like_strings()
    {
        _f.HSet("h", "f", "v");
        _f.Push("l", false, "a", "b");
        Assert.Equal(1, _f.Expire("h", 100).Number);
        Assert.Equal(1, _f.Expire("l", 200).Number);
        Assert.Equal(100, _f.Ttl("h").Number);
        _f.Advance(100);
        Assert.Equal(ResultStatus.NotFound, _f.HGet("h", "f").Status);
        Assert.Equal(2, _f.LLen("l").Number);
        _f.Advance(100);
        Assert.Equal(0, _f.LLen("l").Number);
        Assert.Equal(2, Store.Counters.Expirations);
        Assert.Equal(StoreFixture.EmptyStoreBytes(), Store.Bytes);
    }

    [Fact]
    public void Persist_on_a_hash_keeps_it()
    {
        _f.HSet("h", "f", "v");
        _f.Expire("h", 100);
        Assert.Equal(1, _f.Persist("h").Number);
        _f.Advance(1_000);
        Assert.Equal("v", System.Text.Encoding.UTF8.GetString(_f.HGet("h", "f").Value!));
    }

    [Fact]
    public void Writing_to_an_expired_hash_starts_a_new_one()
    {
        _f.HSet("h", "old", "v");
        _f.Expire("h", 100);
        _f.Advance(100);
        Assert.Equal(1, _f.HSet("h", "new", "v").Number);
        Assert.Equal(1, _f.HLen("h").Number);
        Assert.Equal(-1, _f.Ttl("h").Number);
    }
}
