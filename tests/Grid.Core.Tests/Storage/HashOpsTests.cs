using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

public sealed class HashOpsTests
{
    private readonly StoreFixture _f = new();

    private PartitionStore Store => _f.Store;

    private string? HGetString(string key, string field) =>
        _f.HGet(key, field) is { Status: ResultStatus.Ok } r ? Encoding.UTF8.GetString(r.Value!) : null;

    [Fact]
    public void Hash_set_answers_one_for_a_new_field_and_zero_for_an_update()
    {
        Assert.Equal(1, _f.HSet("h", "a", "1").Number);
        Assert.Equal(1, _f.HSet("h", "b", "2").Number);
        Assert.Equal(0, _f.HSet("h", "a", "updated").Number);
        Assert.Equal("updated", HGetString("h", "a"));
        Assert.Equal("2", HGetString("h", "b"));
        Assert.Equal(2, _f.HLen("h").Number);
        Assert.Equal(GridValueType.Hash, _f.TypeOf("h"));
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Hash_get_of_a_missing_field_or_key_is_not_found()
    {
        Assert.Equal(ResultStatus.NotFound, _f.HGet("h", "a").Status);
        _f.HSet("h", "a", "1");
        Assert.Equal(ResultStatus.NotFound, _f.HGet("h", "zzz").Status);
        Assert.Equal(2, Store.Counters.Misses);
        Assert.Equal(0, Store.Counters.Hits);
        HGetString("h", "a");
        Assert.Equal(1, Store.Counters.Hits);
    }

    [Fact]
    public void Hash_fields_are_case_sensitive()
    {
        _f.HSet("h", "Field", "upper");
        _f.HSet("h", "field", "lower");
        Assert.Equal("upper", HGetString("h", "Field"));
        Assert.Equal("lower", HGetString("h", "field"));
    }

    [Fact]
    public void Hash_get_all_returns_parallel_fields_and_values()
    {
        var empty = _f.HGetAll("h");
        Assert.Equal(ResultStatus.Ok, empty.Status);
        Assert.Empty(empty.Fields!);
        Assert.Empty(empty.Values!);
        _f.HSet("h", "a", "1");
        _f.HSet("h", "b", "2");
        _f.HSet("h", "c", "3");
        _f.HDel("h", "b");
        var all = _f.HGetAll("h");
        var map = all.Fields!.Zip(all.Values!).ToDictionary(p => p.First, p => Encoding.UTF8.GetString(p.Second));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["c"] = "3" }, map);
    }

    [Fact]
    public void Hash_get_returns_copies_the_caller_may_change()
    {
        _f.HSet("h", "a", "abc");
        _f.HGet("h", "a").Value![0] = (byte)'X';
        _f.HGetAll("h").Values![0][0] = (byte)'Y';
        Assert.Equal("abc", HGetString("h", "a"));
    }

    [Fact]
    public void Hash_delete_answers_how_many_fields_it_removed()
    {
        Assert.Equal(0, _f.HDel("h", "a").Number);
        _f.HSet("h", "a", "1");
        _f.HSet("h", "b", "1");
        Assert.Equal(1, _f.HDel("h", "a").Number);
        Assert.Equal(0, _f.HDel("h", "a").Number);
        Assert.Equal(1, _f.HLen("h").Number);
    }

    [Fact]
    public void Hash_length_of_a_missing_key_is_zero()
    {
        Assert.Equal(0, _f.HLen("h").Number);
        Assert.Equal(ResultStatus.Ok, _f.HLen("h").Status);
    }

    [Fact]
    public void Key_disappears_when_its_last_field_is_deleted()
    {
        long empty = Store.Bytes;
        _f.HSet("h", "a", "1");
        _f.HSet("h", "b", "2");
        _f.HDel("h", "a");
        _f.HDel("h", "b");
        Assert.Equal(0, _f.Exists("h").Number);
        Assert.Equal(GridValueType.None, _f.TypeOf("h"));
        Assert.Equal(0, Store.Count);
        Assert.Equal(empty, Store.Bytes);
        Assert.Equal(empty, _f.Account.Total);
    }

    [Fact]
    public void Hash_increment_creates_the_hash_and_field()
    {
        Assert.Equal(5, _f.HIncrBy("h", "n", 5).Number);
        Assert.Equal("5", HGetString("h", "n"));
        Assert.Equal(3, _f.HIncrBy("h", "n", -2).Number);
        Assert.Equal(13, _f.HIncrBy("h", "m", 13).Number);
        Assert.Equal(2, _f.HLen("h").Number);
        StoreInspector.AssertConsistent(Store);
    }

    [Fact]
    public void Hash_increment_adds_to_a_field_holding_an_integer()
    {
        _f.HSet("h", "n", "-40");
        Assert.Equal(2, _f.HIncrBy("h", "n", 42).Number);
        Assert.Equal("2", HGetString("h", "n"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData("-0")]
    public void Hash_increment_of_a_non_integer_field_is_not_integer_and_changes_nothing(string value)
    {
        // Redis reads a field as an integer only in its canonical form (util.c string2ll): "01" stays text.
        _f.HSet("h", "s", value);
        long bytes = Store.Bytes;
        Assert.Equal(ResultStatus.NotInteger, _f.HIncrBy("h", "s", 1).Status);
        Assert.Equal(value, HGetString("h", "s"));
        Assert.Equal(bytes, Store.Bytes);
    }

    [Fact]
    public void Hash_increment_overflow_returns_overflow_and_changes_nothing()
    {
        _f.HSet("h", "n", "9223372036854775800");
        long bytes = Store.Bytes;
        Assert.Equal(ResultStatus.Overflow, _f.HIncrBy("h", "n", 8).Status);
        Assert.Equal("9223372036854775800", HGetString("h", "n"));
        Assert.Equal(bytes, Store.Bytes);
        Assert.Equal(long.MaxValue, _f.HIncrBy("h", "n", 7).Number);
    }

    [Fact]
    public void Hash_set_takes_empty_values()
    {
        _f.HSet("h", "e", "");
        Assert.Equal("", HGetString("h", "e"));
        Assert.Equal(1, _f.HLen("h").Number);
    }

    [Fact]
    public void Many_fields_round_trip_and_deleting_them_all_frees_everything()
    {
        long empty = Store.Bytes;
        for (int i = 0; i < 2_000; i++)
        {
            _f.HSet("h", "f" + i, new string('v', i % 50));
            if (i % 200 == 0)
            {
                StoreInspector.AssertConsistent(Store);
            }
        }

        Assert.Equal(2_000, _f.HLen("h").Number);
        Assert.Equal(new string('v', 1234 % 50), HGetString("h", "f1234"));
        for (int i = 0; i < 2_000; i++)
        {
            Assert.Equal(1, _f.HDel("h", "f" + i).Number);
        }

        Assert.Equal(0, Store.Count);
        Assert.Equal(empty, Store.Bytes);
        Assert.Equal(empty, _f.Account.Total);
    }
}
