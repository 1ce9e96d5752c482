using StackExchange.Redis;

namespace Grid.Bench.Load;

/// <summary>StackExchange.Redis GET/SET over one multiplexed connection, as a .NET service uses it.</summary>
internal sealed class RedisTarget(IDatabase database) : IKeyValueTarget
{
    public ValueTask GetAsync(string key) => new(database.StringGetAsync(key));

    public ValueTask SetAsync(string key, byte[] value) => new(database.StringSetAsync(key, value));
}
