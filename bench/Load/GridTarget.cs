using Grid.Client;

namespace Grid.Bench.Load;

/// <summary><see cref="IGridCache.GetAsync"/> / <see cref="IGridCache.SetAsync"/> through the grid client.</summary>
internal sealed class GridTarget(IGridCache cache) : IKeyValueTarget
{
    public ValueTask GetAsync(string key)
    {
        var pending = cache.GetAsync(key);
        return pending.IsCompletedSuccessfully ? default : new ValueTask(pending.AsTask());
    }

    public ValueTask SetAsync(string key, byte[] value)
    {
        var pending = cache.SetAsync(key, value);
        return pending.IsCompletedSuccessfully ? default : new ValueTask(pending.AsTask());
    }
}
