using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Grid.Bench.Load;
using Grid.Client;
using Grid.Client.NearCache;
using Grid.Partitioning;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace Grid.Bench.Micro;

/// <summary>
/// A near-cache (L1) hit, single-threaded, over 10,000 string keys holding 100-byte values, a different key each call
/// (round robin): <see cref="MemoryCache.TryGetValue(object, out object?)"/> as the in-process baseline, the store
/// alone (<see cref="NearCacheStore.TryGet"/>), and the public path <see cref="IGridCache.GetAsync(string, CancellationToken)"/>
/// of a <see cref="GridCache"/> built without a cluster (a hit never reaches it), which adds key validation and
/// encoding, the statistics and the caller's copy of the value.
/// </summary>
[MemoryDiagnoser]
public class NearCacheBenchmarks
{
    private const int Entries = 10_000;
    private const int ValueSize = 100;

    private readonly string[] _keys = new string[Entries];
    private MemoryCache _memoryCache = null!;
    private NearCacheStore _store = null!;
    private GridCache _gridCache = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var value = KeySpace.Value(ValueSize);
        var options = new GridClientOptions();
        options.NearCache.MaxEntries = Entries;
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _store = new NearCacheStore(options.PartitionCount, Entries, options.NearCache.MaxBytes, TimeProvider.System);

        // Only the near cache is used: a hit returns before anything touches the cluster client.
        _gridCache = new GridCache(null!, options, new SystemTextJsonGridSerializer(), NullLogger.Instance);
        var gridStore = NearStoreOf(_gridCache) ?? throw new InvalidOperationException("The GridCache has no near cache.");
        var silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
        for (int i = 0; i < Entries; i++)
        {
            string key = _keys[i] = KeySpace.Key(i);
            int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), options.PartitionCount);
            _memoryCache.Set(key, value);
            if (!_store.TrySet(key, (byte[])value.Clone(), partition, silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1))
                || !gridStore.TrySet(key, (byte[])value.Clone(), partition, silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1)))
            {
                throw new InvalidOperationException($"The near cache refused {key}.");
            }
        }

        // Every benchmark below must be a hit.
        var probe = _gridCache.GetAsync(_keys[0]);
        if (!probe.IsCompletedSuccessfully || probe.Result is not { Length: ValueSize } || _gridCache.GetStatistics().NearCacheHits != 1)
        {
            throw new InvalidOperationException("GridCache.GetAsync was not answered by the near cache.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memoryCache.Dispose();
        _gridCache.Dispose();
    }

    [Benchmark(Baseline = true, Description = "MemoryCache.TryGetValue hit")]
    public bool MemoryCacheHit() => _memoryCache.TryGetValue(NextKey(), out _);

    [Benchmark(Description = "NearCacheStore.TryGet hit")]
    public bool StoreHit() => _store.TryGet(NextKey(), out _);

    [Benchmark(Description = "GridCache.GetAsync near-cache hit")]
    public byte[]? GridCacheHit()
    {
        var pending = _gridCache.GetAsync(NextKey());
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private string NextKey()
    {
        int i = _next + 1;
        if (i == Entries)
        {
            i = 0;
        }

        _next = i;
        return _keys[i];
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_near")]
    private static extern ref NearCacheStore? NearStoreOf(GridCache cache);
}
