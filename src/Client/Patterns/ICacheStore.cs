namespace Grid.Client;

/// <summary>The system of record behind the cache (a database, a service) for the write-through and write-behind helpers.</summary>
/// <typeparam name="TKey">The record key.</typeparam>
/// <typeparam name="TValue">The record.</typeparam>
public interface ICacheStore<TKey, TValue>
{
    /// <summary>Reads a record; default when it does not exist.</summary>
    ValueTask<TValue?> LoadAsync(TKey key, CancellationToken cancellationToken);

    /// <summary>Writes records (the write-behind helper sends batches here).</summary>
    ValueTask SaveAsync(IReadOnlyList<KeyValuePair<TKey, TValue>> records, CancellationToken cancellationToken);

    /// <summary>Deletes a record.</summary>
    ValueTask DeleteAsync(TKey key, CancellationToken cancellationToken);
}
