using System.Text;

namespace Grid.Client;

/// <summary>Typed and text overloads of <see cref="IGridCache"/>, through its <see cref="IGridCache.Serializer"/>.</summary>
public static class GridCacheTypedExtensions
{
    /// <summary>Reads and deserializes a value; default when the key does not exist.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static async ValueTask<T?> GetAsync<T>(this IGridCache cache, string key, CancellationToken cancellationToken = default) =>
        (await cache.TryGetAsync<T>(key, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Reads and deserializes a value, telling a missing key from a stored default.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static async ValueTask<GridLookup<T>> TryGetAsync<T>(this IGridCache cache, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var bytes = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? GridLookup<T>.Missing : new GridLookup<T>(true, DeserializeValue<T>(cache, key, bytes));
    }

    /// <summary>Serializes and writes a value. Returns false when the options' condition prevented the write.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static ValueTask<bool> SetAsync<T>(this IGridCache cache, string key, T value, GridEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.SetAsync(key, cache.Serializer.Serialize(value), options, cancellationToken);
    }

    /// <summary>Reads many values; missing keys give default, in the order of <paramref name="keys"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static async ValueTask<T?[]> GetManyAsync<T>(this IGridCache cache, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var raw = await cache.GetManyAsync(keys, cancellationToken).ConfigureAwait(false);
        var values = new T?[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            values[i] = raw[i] is { } bytes ? DeserializeValue<T>(cache, keys[i], bytes) : default;
        }

        return values;
    }

    /// <summary>Serializes and writes many values.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static ValueTask SetManyAsync<T>(this IGridCache cache, IReadOnlyCollection<KeyValuePair<string, T>> items, GridEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(items);
        var raw = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>(items.Count);
        foreach (var (key, value) in items)
        {
            raw.Add(new(key, cache.Serializer.Serialize(value)));
        }

        return cache.SetManyAsync(raw, options, cancellationToken);
    }

    /// <summary>Serializes and sets a hash field. Returns true when the field is new.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static ValueTask<bool> HashSetAsync<T>(this IGridCache cache, string key, string field, T value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.HashSetAsync(key, field, cache.Serializer.Serialize(value), cancellationToken);
    }

    /// <summary>Reads and deserializes a hash field; default when missing.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static async ValueTask<T?> HashGetAsync<T>(this IGridCache cache, string key, string field, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var bytes = await cache.HashGetAsync(key, field, cancellationToken).ConfigureAwait(false);
        return bytes is null ? default : cache.Serializer.Deserialize<T>(bytes);
    }

    /// <summary>Pushes one value onto the head of a list. Returns the new length.</summary>
    public static ValueTask<long> ListLeftPushAsync(this IGridCache cache, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.ListLeftPushAsync(key, [value], cancellationToken);
    }

    /// <summary>Appends one value to the tail of a list. Returns the new length.</summary>
    public static ValueTask<long> ListRightPushAsync(this IGridCache cache, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.ListRightPushAsync(key, [value], cancellationToken);
    }

    /// <summary>Serializes and appends values to the tail of a list. Returns the new length.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static ValueTask<long> ListRightPushValuesAsync<T>(this IGridCache cache, string key, IReadOnlyList<T> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.ListRightPushAsync(key, Serialize(cache, values), cancellationToken);
    }

    /// <summary>Serializes and pushes values onto the head of a list. Returns the new length.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static ValueTask<long> ListLeftPushValuesAsync<T>(this IGridCache cache, string key, IReadOnlyList<T> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.ListLeftPushAsync(key, Serialize(cache, values), cancellationToken);
    }

    /// <summary>Reads and deserializes a range of list elements.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static async ValueTask<T?[]> ListRangeAsync<T>(this IGridCache cache, string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var raw = await cache.ListRangeAsync(key, start, stop, cancellationToken).ConfigureAwait(false);
        var values = new T?[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            values[i] = cache.Serializer.Deserialize<T>(raw[i]);
        }

        return values;
    }

    /// <summary>Writes a string as UTF-8 bytes (no serializer involved).</summary>
    public static ValueTask<bool> SetStringAsync(this IGridCache cache, string key, string value, GridEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(value);
        return cache.SetAsync(key, Encoding.UTF8.GetBytes(value), options, cancellationToken);
    }

    /// <summary>Reads a value as UTF-8 text; null when the key does not exist.</summary>
    public static async ValueTask<string?> GetStringAsync(this IGridCache cache, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var bytes = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    private static ReadOnlyMemory<byte>[] Serialize<T>(IGridCache cache, IReadOnlyList<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var raw = new ReadOnlyMemory<byte>[values.Count];
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = cache.Serializer.Serialize(values[i]);
        }

        return raw;
    }

    /// <summary>
    /// A string value read at <paramref name="key"/>, deserialized; one that GetOrSetAsync wrote with a header before it
    /// (FailSafe, RefreshAhead) and the serializer cannot read fails with a Grid error that says how to read it, not the
    /// serializer's own (a JSON reader's "'0xF5' is an invalid start of a value").
    /// </summary>
    private static T? DeserializeValue<T>(IGridCache cache, string key, byte[] bytes)
    {
        try
        {
            return cache.Serializer.Deserialize<T>(bytes);
        }
        catch (Exception ex) when (GetOrSet.GetOrSetEnvelope.IsWrapped(bytes))
        {
            throw new GridException(
                $"Key '{Results.ResultCheck.Shorten(key)}' holds a value GetOrSetAsync wrote with FailSafe or RefreshAhead (a header before the serialized value): read it through GetOrSetAsync with the same options.",
                ex);
        }
    }
}
