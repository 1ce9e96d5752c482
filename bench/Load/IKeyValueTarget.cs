namespace Grid.Bench.Load;

/// <summary>One system under test as the load loops see it: a get and a set of a byte value, nothing else.</summary>
internal interface IKeyValueTarget
{
    ValueTask GetAsync(string key);

    ValueTask SetAsync(string key, byte[] value);
}
