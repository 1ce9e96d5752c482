using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace Grid.AspNetCore.Tests.Hybrid;

/// <summary>An L2 that keeps every value and records every write, to see exactly what HybridCache sends its L2.</summary>
internal sealed class RecordingDistributedCache : IDistributedCache
{
    private readonly ConcurrentDictionary<string, byte[]> _values = new();

    public ConcurrentQueue<(string Key, byte[] Value)> Writes { get; } = new();

    public byte[]? Get(string key) => _values.TryGetValue(key, out var value) ? value : null;

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => _values.TryRemove(key, out _);

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        _values[key] = value;
        Writes.Enqueue((key, value));
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }
}
