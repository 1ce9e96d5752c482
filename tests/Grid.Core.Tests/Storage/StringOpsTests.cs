using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

public sealed class StringOpsTests
{
    private readonly StoreFixture _f = new();

    private PartitionStore Store => _f.Store;

    [Fact]
    public void Get_of_a_missing_key_is_not_found_and_counts_a_miss()
    {
        Assert.Equal(ResultStatus.NotFound, _f.Get("nope").Status);
        Assert.Equal(1, Store.Counters.Misses);
        Assert.Equal(0, Store.Counters.Hits);
    }

    [Fact]
    public void Set_then_get_returns_the_value_and_counts_a_hit()
    {
        Assert.Equal(ResultStatus.Ok, _f.Set("k", "hello").Status);
        Assert.Equal("hello", _f.GetString("k"));
        Assert.Equal(1, Store.Counters.Hits);
        Assert.Equal(2, Store.Counters.Operations);
        Assert.Equal(1, Store.Count);
    }

    [Fact]
    public void Get_returns_a_copy_the_caller_may_change()
    {
        _f.Set("k", "abc");
        var first = _f.Get("k").Value!;
        first[0] = (byte)'X';
        Assert.Equal("abc", _f.GetString("k"));
    }

    [Fact]
    public void Set_accepts_an_empty_value()
    {
        _f.Set("k", "");
        Assert.Equal("", _f.GetString("k"));
        Assert.Equal(GridValueType.String, _f.TypeOf("k"));
    }

    [Fact]
    public void Set_overwrites_any_previous_value()
    {
        _f.Set("k", "one");
        _f.Set("k", "a longer value");
        Assert.Equal("a longer value", _f.GetString("k"));
        _f.Set("k", "x");
        Assert.Equal("x", _f.GetString("k"));
        Assert.Equal(1, Store.Count);
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Set_if_not_exists_writes_only_a_missing_key()
    {
        Assert.Equal(ResultStatus.Ok, _f.Set("k", "first", flags: OpFlags.IfNotExists).Status);
        long bytes = Store.Bytes;
        Assert.Equal(ResultStatus.ConditionNotMet, _f.Set("k", "second", flags: OpFlags.IfNotExists).Status);
        Assert.Equal("first", _f.GetString("k"));
        Assert.Equal(bytes, Store.Bytes);
    }

    [Fact]
    public void Set_if_exists_writes_only_an_existing_key()
    {
        Assert.Equal(ResultStatus.ConditionNotMet, _f.Set("k", "v", flags: OpFlags.IfExists).Status);
        Assert.Equal(0, Store.Count);
        Assert.Equal(0, _f.Exists("k").Number);
        _f.Set("k", "old");
        Assert.Equal(ResultStatus.Ok, _f.Set("k", "new", flags: OpFlags.IfExists).Status);
        Assert.Equal("new", _f.GetString("k"));
    }

    [Fact]
    public void Set_if_not_exists_treats_an_expired_key_as_missing()
    {
        _f.Set("k", "old", ttlMs: 100);
        _f.Advance(100);
        Assert.Equal(ResultStatus.Ok, _f.Set("k", "new", flags: OpFlags.IfNotExists).Status);
        Assert.Equal("new", _f.GetString("k"));
        Assert.Equal(1, Store.Counters.Expirations);
    }

    [Fact]
    public void Set_if_exists_on_an_expired_key_does_not_write()
    {
        _f.Set("k", "old", ttlMs: 100);
        _f.Advance(100);
        Assert.Equal(ResultStatus.ConditionNotMet, _f.Set("k", "new", flags: OpFlags.IfExists).Status);
        Assert.Equal(ResultStatus.NotFound, _f.Get("k").Status);
    }

    [Fact]
    public void Remove_deletes_the_key_and_answers_how_many_it_removed()
    {
        _f.Set("k", "v");
        Assert.Equal(1, _f.Remove("k").Number);
        Assert.Equal(0, _f.Remove("k").Number);
        Assert.Equal(ResultStatus.NotFound, _f.Get("k").Status);
        Assert.Equal(0, Store.Count);
    }

    [Fact]
    public void Remove_deletes_keys_of_every_type()
    {
        _f.Set("s", "v");
        _f.Increment("c", 1);
        _f.HSet("h", "f", "v");
        _f.Push("l", false, "a");
        foreach (var key in new[] { "s", "c", "h", "l" })
        {
            Assert.Equal(1, _f.Remove(key).Number);
            Assert.Equal(GridValueType.None, _f.TypeOf(key));
        }

        Assert.Equal(StoreFixture.EmptyStoreBytes(), Store.Bytes);
    }

    [Fact]
    public void Exists_answers_one_or_zero()
    {
        Assert.Equal(0, _f.Exists("k").Number);
        _f.Set("k", "v");
        Assert.Equal(1, _f.Exists("k").Number);
        Assert.Equal(ResultStatus.Ok, _f.Exists("k").Status);
    }

    [Fact]
    public void Type_names_the_value_held()
    {
        _f.Set("s", "v");
        _f.Increment("c", 1);
        _f.HSet("h", "f", "v");
        _f.Push("l", false, "a");
        Assert.Equal(GridValueType.String, _f.TypeOf("s"));
        Assert.Equal(GridValueType.Counter, _f.TypeOf("c"));
        Assert.Equal(GridValueType.Hash, _f.TypeOf("h"));
        Assert.Equal(GridValueType.List, _f.TypeOf("l"));
        Assert.Equal(GridValueType.None, _f.TypeOf("missing"));
    }

    [Fact]
    public void Set_replaces_a_hash_or_list_with_a_string()
    {
        _f.HSet("h", "f", "v");
        _f.Push("l", true, "a", "b");
        _f.Set("h", "now a string");
        _f.Set("l", "me too");
        Assert.Equal("now a string", _f.GetString("h"));
        Assert.Equal("me too", _f.GetString("l"));
        Assert.Equal(GridValueType.String, _f.TypeOf("l"));
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Increment_of_a_missing_key_creates_a_counter_holding_the_delta()
    {
        Assert.Equal(5, _f.Increment("n", 5).Number);
        Assert.Equal(GridValueType.Counter, _f.TypeOf("n"));
        Assert.Equal("5", _f.GetString("n"));
    }

    [Fact]
    public void Increment_adds_to_a_counter_and_accepts_negative_deltas()
    {
        _f.Increment("n", 5);
        Assert.Equal(12, _f.Increment("n", 7).Number);
        Assert.Equal(-8, _f.Increment("n", -20).Number);
        Assert.Equal("-8", _f.GetString("n"));
        Assert.Equal(-8, _f.Increment("n", 0).Number);
    }

    [Fact]
    public void Increment_converts_a_string_holding_an_integer_into_a_counter()
    {
        _f.Set("n", "41");
        Assert.Equal(42, _f.Increment("n", 1).Number);
        Assert.Equal(GridValueType.Counter, _f.TypeOf("n"));
        Assert.Equal("42", _f.GetString("n"));
        Assert.Equal(-58, _f.Increment("n", -100).Number);
        _f.Set("neg", "-9223372036854775808");
        Assert.Equal(long.MinValue + 1, _f.Increment("neg", 1).Number);
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Increment_keeps_the_time_to_live_and_tags_of_a_converted_string()
    {
        _f.Set("n", "10", ttlMs: 10_000, tags: ["red", "blue"]);
        _f.Advance(1_000);
        Assert.Equal(11, _f.Increment("n", 1).Number);
        Assert.Equal(9_000, _f.Ttl("n").Number);
        Assert.Equal(["red", "blue"], EntryRecord.DecodeTags(StoreInspector.Record(Store, "n")!));
        Assert.Equal(12, _f.Increment("n", 1).Number);
        Assert.Equal(9_000, _f.Ttl("n").Number);
        Assert.Equal(["red", "blue"], EntryRecord.DecodeTags(StoreInspector.Record(Store, "n")!));
        _f.Advance(9_000);
        Assert.Equal(ResultStatus.NotFound, _f.Get("n").Status);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("12 ")]
    [InlineData(" 12")]
    [InlineData("9223372036854775808")]
    [InlineData("0x10")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData("-0")]
    [InlineData("007")]
    public void Increment_of_a_non_integer_string_is_not_integer_and_changes_nothing(string value)
    {
        _f.Set("s", value);
        long bytes = Store.Bytes;
        uint before = StoreInspector.Handle(Store, "s");
        var result = _f.Increment("s", 1);
        Assert.Equal(ResultStatus.NotInteger, result.Status);
        Assert.NotNull(result.Error);
        Assert.Equal(value, _f.GetString("s"));
        Assert.Equal(GridValueType.String, _f.TypeOf("s"));
        Assert.Equal(bytes, Store.Bytes);
        Assert.Equal(before, StoreInspector.Handle(Store, "s"));
    }

    [Theory]
    [InlineData(long.MaxValue - 1, 2)]
    [InlineData(long.MaxValue, 1)]
    [InlineData(long.MinValue, -1)]
    [InlineData(-5, long.MinValue)]
    [InlineData(1, long.MaxValue)]
    public void Counter_overflow_returns_overflow_and_changes_nothing(long start, long delta)
    {
        _f.Increment("n", start);
        long bytes = Store.Bytes;
        var result = _f.Increment("n", delta);
        Assert.Equal(ResultStatus.Overflow, result.Status);
        Assert.Equal(start.ToString(System.Globalization.CultureInfo.InvariantCulture), _f.GetString("n"));
        Assert.Equal(bytes, Store.Bytes);
    }

    [Fact]
    public void Increment_up_to_the_limits_does_not_overflow()
    {
        Assert.Equal(long.MaxValue, _f.Increment("n", long.MaxValue).Number);
        Assert.Equal(-1, _f.Increment("n", long.MinValue).Number);
        Assert.Equal(long.MinValue, _f.Increment("n", long.MinValue + 1).Number);
    }

    [Fact]
    public void Overflow_of_a_string_integer_leaves_the_string()
    {
        _f.Set("s", "9223372036854775807");
        long bytes = Store.Bytes;
        Assert.Equal(ResultStatus.Overflow, _f.Increment("s", 1).Status);
        Assert.Equal(GridValueType.String, _f.TypeOf("s"));
        Assert.Equal("9223372036854775807", _f.GetString("s"));
        Assert.Equal(bytes, Store.Bytes);
    }

    [Fact]
    public void Set_over_a_counter_makes_it_a_string_again()
    {
        _f.Increment("n", 7);
        _f.Set("n", "12345678"); // same size as the counter's 8 bytes: rewritten in place
        Assert.Equal(GridValueType.String, _f.TypeOf("n"));
        Assert.Equal("12345678", _f.GetString("n"));
        Assert.Equal(12345679, _f.Increment("n", 1).Number);
    }

    [Fact]
    public void Overwrite_with_a_value_of_the_same_size_reuses_the_record()
    {
        _f.Set("k", "aaaa", ttlMs: 5_000);
        uint handle = StoreInspector.Handle(Store, "k");
        long bytes = Store.Bytes;
        long version = Store.Version;
        _f.Advance(10);
        _f.Set("k", "bbbb", ttlMs: 8_000);
        Assert.Equal(handle, StoreInspector.Handle(Store, "k"));
        Assert.Equal("bbbb", _f.GetString("k"));
        Assert.Equal(8_000, _f.Ttl("k").Number); // the header is rewritten too
        Assert.Equal(bytes, Store.Bytes);
        Assert.True(Store.Version > version);
        Assert.Equal(unchecked((uint)_f.NowMs), EntryRecord.Stamp(StoreInspector.Record(Store, "k")!));
    }

    [Fact]
    public void Plain_set_over_an_expiring_entry_clears_its_time_to_live()
    {
        _f.Set("k", "aaaa", ttlMs: 5_000);
        _f.Set("k", "bbbb");
        Assert.Equal("bbbb", _f.GetString("k"));
        Assert.Equal(-1, _f.Ttl("k").Number);
        Assert.False(EntryRecord.HasExpiryField(StoreInspector.Record(Store, "k")!)); // the expiry field went with it
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Overwrite_in_place_also_rewrites_the_sliding_window()
    {
        _f.Set("k", "aaaa", ttlMs: 10_000, slidingMs: 1_000);
        uint handle = StoreInspector.Handle(Store, "k");
        _f.Set("k", "bbbb", ttlMs: 20_000, slidingMs: 2_000);
        Assert.Equal(handle, StoreInspector.Handle(Store, "k"));
        Assert.Equal(new EntryExpiry(_f.NowMs + 2_000, 2_000, _f.NowMs + 20_000), EntryRecord.GetExpiry(StoreInspector.Record(Store, "k")!));
    }

    [Theory]
    [InlineData("longer value", 0L, 0L, null)]   // size changes
    [InlineData("aaaa", 0L, 1_000L, null)]       // sliding part added
    [InlineData("aaaa", 5_000L, 0L, null)]       // expiry field added
    [InlineData("aaaa", 0L, 0L, "tag")]          // tags added
    public void Overwrite_that_changes_the_shape_allocates_a_new_record(string value, long ttlMs, long slidingMs, string? tag)
    {
        _f.Set("k", "aaaa");
        uint handle = StoreInspector.Handle(Store, "k");
        _f.Set("k", value, ttlMs: ttlMs, slidingMs: slidingMs, tags: tag is null ? null : [tag]);
        Assert.NotEqual(handle, StoreInspector.Handle(Store, "k"));
        Assert.Equal(value, _f.GetString("k"));
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Overwrite_of_a_tagged_entry_without_tags_drops_them()
    {
        _f.Set("k", "aaaa", tags: ["t"]);
        _f.Set("k", "bbbb");
        Assert.Empty(EntryRecord.DecodeTags(StoreInspector.Record(Store, "k")!));
    }

    [Fact]
    public void Version_increases_with_every_write_only()
    {
        long v0 = Store.Version;
        _f.Set("k", "v");
        long v1 = Store.Version;
        Assert.True(v1 > v0);
        _f.Get("k");
        _f.Exists("k");
        _f.Ttl("k");
        Assert.Equal(v1, Store.Version);
        _f.Increment("n", 1);
        Assert.True(Store.Version > v1);
    }

    [Fact]
    public void Close_makes_every_later_operation_answer_not_here_and_releases_the_bytes()
    {
        _f.Set("k", "v");
        _f.HSet("h", "f", "v");
        Assert.True(_f.Account.Total > 0);
        Store.Close();
        Assert.True(Store.IsClosed);
        Assert.Equal(0, _f.Account.Total);
        foreach (OpCode code in Enum.GetValues<OpCode>())
        {
            var op = new GridOp { Code = code, Key = StoreFixture.Bytes("k"), Value = [1], Field = "f", Values = [[1]], Arg0 = 1 };
            Assert.Equal(ResultStatus.NotHere, Store.Execute(op).Status);
        }

        Store.Close(); // idempotent
        Assert.Equal(0, _f.Account.Total);
        Assert.Equal(0, Store.SweepExpired(100));
        Assert.Equal(2, Store.Counters.Operations);
    }

    [Fact]
    public void Unknown_op_code_is_an_invalid_argument()
    {
        var result = Store.Execute(new GridOp { Code = (OpCode)99, Key = [1] });
        Assert.Equal(ResultStatus.InvalidArgument, result.Status);
        Assert.Equal(0, Store.Count);
    }

    [Fact]
    public void Keys_are_compared_byte_for_byte()
    {
        _f.Set("Key", "upper");
        _f.Set("key", "lower");
        _f.Set("key ", "space");
        _f.Set("é", "composed");
        _f.Set("e\u0301", "decomposed");
        Assert.Equal("upper", _f.GetString("Key"));
        Assert.Equal("lower", _f.GetString("key"));
        Assert.Equal("space", _f.GetString("key "));
        Assert.Equal("composed", _f.GetString("é"));
        Assert.Equal("decomposed", _f.GetString("e\u0301"));
        Assert.Equal(5, Store.Count);
    }
}
