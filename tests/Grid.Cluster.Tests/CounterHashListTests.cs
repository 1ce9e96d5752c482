using System.Text;
using Grid.Client;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CounterHashListTests(ClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private static string Key(string name) => $"structures:{name}:{Guid.NewGuid():N}";

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Increment_creates_counter_and_adds()
    {
        var key = Key("incr");
        Assert.Equal(1, await Cache.IncrementAsync(key));
        Assert.Equal(11, await Cache.IncrementAsync(key, 10));
        Assert.Equal(-4, await Cache.DecrementAsync(key, 15));
    }

    [Fact]
    public async Task Increment_of_string_holding_an_integer_works_like_redis()
    {
        var key = Key("incr-string");
        await Cache.SetStringAsync(key, "41");
        Assert.Equal(42, await Cache.IncrementAsync(key));
        Assert.Equal("42", await Cache.GetStringAsync(key));
    }

    [Fact]
    public async Task Counter_overflow_is_an_error_and_changes_nothing()
    {
        var key = Key("overflow");
        await Cache.IncrementAsync(key, long.MaxValue - 1);
        var error = await Assert.ThrowsAsync<GridOverflowException>(async () => await Cache.IncrementAsync(key, 2));
        Assert.Equal(key, error.Key);
        Assert.Equal((long.MaxValue - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), await Cache.GetStringAsync(key));
        await Cache.SetAsync(key + "min", B(long.MinValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await Assert.ThrowsAsync<GridOverflowException>(async () => await Cache.DecrementAsync(key + "min"));
    }

    [Fact]
    public async Task Increment_of_non_integer_is_a_wrong_type_error_and_changes_nothing()
    {
        var key = Key("nan");
        await Cache.SetStringAsync(key, "forty-two");
        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.IncrementAsync(key));
        Assert.Equal("forty-two", await Cache.GetStringAsync(key));
    }

    [Fact]
    public async Task Hash_fields_are_set_read_incremented_and_deleted()
    {
        var key = Key("hash");
        Assert.True(await Cache.HashSetAsync(key, "name", B("ada")));
        Assert.False(await Cache.HashSetAsync(key, "name", B("grace")));
        Assert.True(await Cache.HashSetAsync(key, "visits", B("1")));
        Assert.Equal(B("grace"), await Cache.HashGetAsync(key, "name"));
        Assert.Null(await Cache.HashGetAsync(key, "missing"));
        Assert.Equal(6, await Cache.HashIncrementAsync(key, "visits", 5));
        Assert.Equal(3, await Cache.HashIncrementAsync(key, "new-counter", 3));
        var all = await Cache.HashGetAllAsync(key);
        Assert.Equal(3, all.Count);
        Assert.Equal(B("6"), all["visits"]);
        Assert.Equal(3, await Cache.HashLengthAsync(key));
        Assert.True(await Cache.HashDeleteAsync(key, "name"));
        Assert.False(await Cache.HashDeleteAsync(key, "name"));
        Assert.Equal(GridValueType.Hash, await Cache.GetTypeAsync(key));
    }

    [Fact]
    public async Task Hash_disappears_with_its_last_field()
    {
        var key = Key("hash-empty");
        await Cache.HashSetAsync(key, "only", B("1"));
        await Cache.HashDeleteAsync(key, "only");
        Assert.False(await Cache.ExistsAsync(key));
        Assert.Empty(await Cache.HashGetAllAsync(key));
    }

    [Fact]
    public async Task Hash_increment_of_non_integer_field_fails_and_changes_nothing()
    {
        var key = Key("hash-nan");
        await Cache.HashSetAsync(key, "f", B("abc"));
        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.HashIncrementAsync(key, "f"));
        Assert.Equal(B("abc"), await Cache.HashGetAsync(key, "f"));
    }

    [Fact]
    public async Task Typed_hash_fields_round_trip()
    {
        var key = Key("hash-typed");
        await Cache.HashSetAsync(key, "point", new[] { 1, 2, 3 });
        var point = await Cache.HashGetAsync<int[]>(key, "point");
        Assert.Equal(new[] { 1, 2, 3 }, point!);
    }

    [Fact]
    public async Task List_push_pop_and_range_follow_redis_semantics()
    {
        var key = Key("list");
        Assert.Equal(2, await Cache.ListRightPushAsync(key, [B("b"), B("c")]));
        Assert.Equal(4, await Cache.ListLeftPushAsync(key, [B("a2"), B("a1")]));
        // LPUSH a2 a1 puts a1 first, as Redis does.
        Assert.Equal(new[] { "a1", "a2", "b", "c" }, (await Cache.ListRangeAsync(key)).Select(Encoding.UTF8.GetString));
        Assert.Equal(new[] { "b", "c" }, (await Cache.ListRangeAsync(key, -2, -1)).Select(Encoding.UTF8.GetString));
        Assert.Equal(new[] { "a2", "b" }, (await Cache.ListRangeAsync(key, 1, 2)).Select(Encoding.UTF8.GetString));
        Assert.Empty(await Cache.ListRangeAsync(key, 3, 1));
        Assert.Equal(new[] { "a1", "a2", "b", "c" }, (await Cache.ListRangeAsync(key, -100, 100)).Select(Encoding.UTF8.GetString));
        Assert.Equal(4, await Cache.ListLengthAsync(key));
        Assert.Equal(B("a1"), await Cache.ListLeftPopAsync(key));
        Assert.Equal(B("c"), await Cache.ListRightPopAsync(key));
        Assert.Equal(2, await Cache.ListLengthAsync(key));
    }

    [Fact]
    public async Task List_disappears_with_its_last_element()
    {
        var key = Key("list-empty");
        await Cache.ListRightPushAsync(key, B("x"));
        Assert.Equal(B("x"), await Cache.ListLeftPopAsync(key));
        Assert.Null(await Cache.ListLeftPopAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
        Assert.Equal(0, await Cache.ListLengthAsync(key));
    }

    [Fact]
    public async Task Typed_list_values_round_trip()
    {
        var key = Key("list-typed");
        await Cache.ListRightPushValuesAsync(key, new[] { "x", "y" });
        Assert.Equal(new[] { "x", "y" }, await Cache.ListRangeAsync<string>(key));
    }

    [Fact]
    public async Task Operations_on_the_wrong_type_fail_and_change_nothing()
    {
        var text = Key("wrong-string");
        var hash = Key("wrong-hash");
        var list = Key("wrong-list");
        await Cache.SetStringAsync(text, "plain");
        await Cache.HashSetAsync(hash, "f", B("v"));
        await Cache.ListRightPushAsync(list, B("e"));

        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.HashSetAsync(text, "f", B("v")));
        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.ListLeftPushAsync(text, B("v")));
        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.GetAsync(hash));
        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.IncrementAsync(hash));
        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.ListRightPopAsync(hash));
        await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.HashGetAsync(list, "f"));
        var error = await Assert.ThrowsAsync<GridWrongTypeException>(async () => await Cache.ListRangeAsync(hash));
        Assert.Equal(hash, error.Key);

        Assert.Equal("plain", await Cache.GetStringAsync(text));
        Assert.Equal(B("v"), await Cache.HashGetAsync(hash, "f"));
        Assert.Equal(1, await Cache.HashLengthAsync(hash));
        Assert.Equal(new[] { "e" }, (await Cache.ListRangeAsync(list)).Select(Encoding.UTF8.GetString));
    }

    [Fact]
    public async Task Set_overwrites_a_key_of_any_type()
    {
        var key = Key("set-over-hash");
        await Cache.HashSetAsync(key, "f", B("v"));
        await Cache.SetStringAsync(key, "now a string");
        Assert.Equal("now a string", await Cache.GetStringAsync(key));
    }
}
