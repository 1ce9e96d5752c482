using System.Text;
using Grid.Client;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StringOperationTests(ClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private static string Key(string name) => $"strings:{name}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Set_then_get_returns_the_bytes()
    {
        var key = Key("roundtrip");
        byte[] value = [0, 1, 2, 255, 128];
        Assert.True(await Cache.SetAsync(key, value));
        Assert.Equal(value, await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Get_of_missing_key_returns_null()
    {
        Assert.Null(await Cache.GetAsync(Key("missing")));
    }

    [Fact]
    public async Task Empty_value_is_stored_and_read_back_as_empty()
    {
        var key = Key("empty");
        await Cache.SetAsync(key, ReadOnlyMemory<byte>.Empty);
        Assert.Empty((await Cache.GetAsync(key))!);
    }

    [Fact]
    public async Task Overwrite_replaces_the_value()
    {
        var key = Key("overwrite");
        await Cache.SetStringAsync(key, "one");
        await Cache.SetStringAsync(key, "two!");
        Assert.Equal("two!", await Cache.GetStringAsync(key));
    }

    [Fact]
    public async Task Set_if_not_exists_writes_only_once()
    {
        var key = Key("nx");
        var nx = new GridEntryOptions { When = SetCondition.NotExists };
        Assert.True(await Cache.SetStringAsync(key, "first", nx));
        Assert.False(await Cache.SetStringAsync(key, "second", nx));
        Assert.Equal("first", await Cache.GetStringAsync(key));
    }

    [Fact]
    public async Task Set_if_exists_writes_only_existing_keys()
    {
        var key = Key("xx");
        var xx = new GridEntryOptions { When = SetCondition.Exists };
        Assert.False(await Cache.SetStringAsync(key, "nope", xx));
        Assert.Null(await Cache.GetAsync(key));
        await Cache.SetStringAsync(key, "there");
        Assert.True(await Cache.SetStringAsync(key, "replaced", xx));
        Assert.Equal("replaced", await Cache.GetStringAsync(key));
    }

    [Fact]
    public async Task Remove_reports_whether_the_key_existed()
    {
        var key = Key("remove");
        Assert.False(await Cache.RemoveAsync(key));
        await Cache.SetStringAsync(key, "v");
        Assert.True(await Cache.RemoveAsync(key));
        Assert.Null(await Cache.GetAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Exists_and_type_describe_the_key()
    {
        var key = Key("type");
        Assert.False(await Cache.ExistsAsync(key));
        Assert.Equal(GridValueType.None, await Cache.GetTypeAsync(key));
        await Cache.SetStringAsync(key, "v");
        Assert.True(await Cache.ExistsAsync(key));
        Assert.Equal(GridValueType.String, await Cache.GetTypeAsync(key));
        await Cache.IncrementAsync(key + ":n");
        Assert.Equal(GridValueType.Counter, await Cache.GetTypeAsync(key + ":n"));
    }

    [Fact]
    public async Task Typed_values_round_trip_through_the_serializer()
    {
        var key = Key("typed");
        var order = new Order(42, "widget", [1.5m, 2.25m]);
        await Cache.SetAsync(key, order);
        var read = await Cache.GetAsync<Order>(key);
        Assert.Equal(order.Id, read!.Id);
        Assert.Equal(order.Name, read.Name);
        Assert.Equal(order.Prices, read.Prices);
        Assert.False((await Cache.TryGetAsync<Order>(Key("absent"))).Found);
    }

    [Fact]
    public async Task Unicode_keys_and_hash_tags_work()
    {
        var key = $"ключ:{{用户}}:{Guid.NewGuid():N}";
        await Cache.SetStringAsync(key, "значение");
        Assert.Equal("значение", await Cache.GetStringAsync(key));
    }

    [Fact]
    public async Task Large_value_round_trips()
    {
        var key = Key("large");
        var value = new byte[1 << 20];
        Random.Shared.NextBytes(value);
        await Cache.SetAsync(key, value);
        Assert.Equal(value, await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Concurrent_increments_are_atomic()
    {
        var key = Key("atomic");
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ => await Cache.IncrementAsync(key)));
        Assert.Equal("200", Encoding.ASCII.GetString((await Cache.GetAsync(key))!));
    }

    public sealed record Order(int Id, string Name, decimal[] Prices);
}
