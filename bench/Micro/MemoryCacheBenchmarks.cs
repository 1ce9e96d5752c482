using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;

namespace Grid.Bench.Micro;

/// <summary>
/// The in-process baseline a near cache (L1) will be compared with: <see cref="MemoryCache.TryGetValue(object, out object?)"/>
/// on a hit, over 1,000 string keys holding 100-byte values.
/// </summary>
[MemoryDiagnoser]
public class MemoryCacheBenchmarks
{
    private const int Keys = 1_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private readonly string[] _keys = new string[Keys];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var value = Load.KeySpace.Value(100);
        for (int i = 0; i < Keys; i++)
        {
            _keys[i] = Load.KeySpace.Key(i);
            _cache.Set(_keys[i], value);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _cache.Dispose();

    [Benchmark(Description = "MemoryCache.TryGetValue hit")]
    public bool TryGetValue()
    {
        int i = _next + 1;
        if (i == Keys)
        {
            i = 0;
        }

        _next = i;
        return _cache.TryGetValue(_keys[i], out _);
    }
}
