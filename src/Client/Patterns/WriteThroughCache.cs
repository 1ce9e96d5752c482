namespace Grid.Client;

/// <summary>
/// Write-through over a <see cref="ICacheStore{TKey,TValue}"/>: a write goes to the store first, then to the cache, so
/// the cache never holds a value the store rejected. If the store write fails, the cached entry is removed (a reader
/// then reloads what the store has) and the error is rethrown; reads are read-through (cache-aside with stampede
/// protection, loading from the store).
/// </summary>
/// <typeparam name="TKey">The record key.</typeparam>
/// <typeparam name="TValue">The record.</typeparam>
/// <param name="cache">The grid cache.</param>
/// <param name="store">The system of record.</param>
/// <param name="keyOf">Maps a record key to its cache key.</param>
/// <param name="options">How values are cached (expiry, tags, stampede scope).</param>
public sealed class WriteThroughCache<TKey, TValue>(IGridCache cache, ICacheStore<TKey, TValue> store, Func<TKey, string> keyOf, GridGetOrSetOptions? options = null)
{
    private readonly GridGetOrSetOptions _options = options ?? GridGetOrSetOptions.Default;

    /// <summary>Reads through the cache, loading from the store on a miss (once per key for concurrent callers).</summary>
    public ValueTask<TValue?> GetAsync(TKey key, CancellationToken cancellationToken = default) =>
        cache.GetOrSetAsync<TValue?>(keyOf(key), ct => store.LoadAsync(key, ct), _options, cancellationToken);

    /// <summary>Writes the store, then the cache. A failed store write leaves no cached value behind; a failed cache write after a good store write removes the entry.</summary>
    public async ValueTask SetAsync(TKey key, TValue value, CancellationToken cancellationToken = default)
    {
        string cacheKey = keyOf(key);
        try
        {
            await store.SaveAsync([new(key, value)], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await cache.RemoveAsync(cacheKey, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        try
        {
            await cache.SetAsync(cacheKey, value, _options.Entry, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The store has the new value; make sure no older one is served.
            await cache.RemoveAsync(cacheKey, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes from the store, then from the cache.</summary>
    public async ValueTask RemoveAsync(TKey key, CancellationToken cancellationToken = default)
    {
        await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        await cache.RemoveAsync(keyOf(key), cancellationToken).ConfigureAwait(false);
    }
}
