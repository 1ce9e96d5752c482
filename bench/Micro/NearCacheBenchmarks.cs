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
/// The near cache (L1), single-threaded, over string keys holding 100-byte values:
/// a hit, a different key each call (round robin over 10,000): <see cref="MemoryCache.TryGetValue(object, out object?)"/>
/// as the in-process baseline, the store alone (<see cref="NearCacheStore.TryGet"/>), and the public path
/// <see cref="IGridCache.GetAsync(string, CancellationToken)"/> of a <see cref="GridCache"/> built without a cluster (a hit
/// never reaches it), which adds key validation and encoding, the statistics and the caller's copy of the value;
/// a miss (lookup plus the admission decision, what a read the near cache does not keep costs beyond the grid read);
/// an insert into a full store (each evicts one); an invalidation of a held key (with the insert that puts it back);
/// forgetting a key that is not held (every write does it twice); and 1,000,000 inserts of distinct keys into a
/// 100,000-entry store, whose Gen0/Gen1/Gen2 columns (per 1,000 operations) times 1,000 are the collections over the
/// million. Inserts share one value array, so the bytes allocated are the store's own, not the values'.
/// Two more run over a 100,000-entry store in random key order, as a near cache larger than the CPU's caches is used:
/// a hit (which copies the value for the caller), and a held key rewritten with a value of its length (a kept write,
/// copied into the held array).
/// </summary>
[MemoryDiagnoser]
public class NearCacheBenchmarks
{
    private const int Entries = 10_000;
    private const int ValueSize = 100;
    private const int LargeEntries = 100_000;
    private const int LargeInserts = 1_000_000;
    private const int PartitionCount = 1024;
    private static readonly SiloAddress Silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    private readonly string[] _keys = new string[Entries];
    private readonly int[] _partitions = new int[Entries];
    private readonly string[] _absent = new string[Entries];
    private readonly string[] _churnKeys = new string[4 * Entries];
    private readonly int[] _churnPartitions = new int[4 * Entries];
    private string[] _largeKeys = null!;
    private int[] _largePartitions = null!;
    private byte[] _value = null!;
    private MemoryCache _memoryCache = null!;
    private NearCacheStore _store = null!;
    private NearCacheStore _churn = null!;
    private NearCacheStore _invalidated = null!;
    private GridCache _gridCache = null!;
    private NearCacheStore _large = null!;
    private int[] _largeOrder = null!;
    private int _next;
    private int _nextLarge;
    private int _nextChurn;
    private long _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _value = KeySpace.Value(ValueSize);
        var options = new GridClientOptions();
        options.NearCache.MaxEntries = Entries;
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _store = NewStore(Entries);
        _churn = NewStore(Entries);
        _invalidated = NewStore(Entries);

        // Only the near cache is used: a hit returns before anything touches the cluster client.
        _gridCache = new GridCache(null!, options, new SystemTextJsonGridSerializer(), NullLogger.Instance);
        var gridStore = NearStoreOf(ReadsOf(_gridCache)) ?? throw new InvalidOperationException("The GridCache has no near cache.");
        gridStore.RenewLease(Silo, gridStore.NowMs, (long)TimeSpan.FromDays(1).TotalMilliseconds);
        for (int i = 0; i < Entries; i++)
        {
            string key = _keys[i] = KeySpace.Key(i);
            _absent[i] = "absent:" + key;
            int partition = _partitions[i] = PartitionOf(key);
            _memoryCache.Set(key, _value);
            if (!_store.TrySet(key, (byte[])_value.Clone(), partition, Silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1))
                || !gridStore.TrySet(key, (byte[])_value.Clone(), partition, Silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1))
                || !_churn.TrySet(key, _value, partition, Silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1))
                || !_invalidated.TrySet(key, _value, 0, Silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1)))
            {
                throw new InvalidOperationException($"The near cache refused {key}.");
            }
        }

        for (int i = 0; i < _churnKeys.Length; i++)
        {
            _churnKeys[i] = "churn:" + KeySpace.Key(i);
            _churnPartitions[i] = PartitionOf(_churnKeys[i]);
        }

        _largeKeys = new string[LargeInserts];
        _largePartitions = new int[LargeInserts];
        for (int i = 0; i < LargeInserts; i++)
        {
            _largeKeys[i] = KeySpace.Key(i);
            _largePartitions[i] = PartitionOf(_largeKeys[i]);
        }

        // Held keys, each with a value array of its own, visited in a random order that is the same every run.
        _large = NewStore(LargeEntries);
        _largeOrder = new int[LargeEntries];
        for (int i = 0; i < LargeEntries; i++)
        {
            _largeOrder[i] = i;
            _large.TrySet(_largeKeys[i], (byte[])_value.Clone(), _largePartitions[i], Silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1));
        }

        new Random(42).Shuffle(_largeOrder);
        if (_large.Count != LargeEntries)
        {
            throw new InvalidOperationException("The 100k-entry store refused entries.");
        }

        // Every hit benchmark below must be a hit.
        var probe = _gridCache.GetAsync(_keys[0]);
        if (!probe.IsCompletedSuccessfully || probe.Result is not { Length: ValueSize } || _gridCache.GetStatistics().NearCacheHits != 1
            || !_store.TryGet(_keys[1], out _))
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

    [Benchmark(Description = "NearCacheStore miss + admission")]
    public bool StoreMiss()
    {
        // As GetAsync does: the key hashed once for the lookup and the admission decision.
        string key = _absent[Advance(ref _next, Entries)];
        int hash = NearCacheTable.HashOf(key);
        return _store.TryGet(key, hash, out _) || _store.Admits(hash);
    }

    [Benchmark(Description = "NearCacheStore insert at capacity (evicts)")]
    public bool StoreInsertEvicting()
    {
        int i = Advance(ref _nextChurn, _churnKeys.Length);
        return _churn.TrySet(_churnKeys[i], _value, _churnPartitions[i], Silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1));
    }

    [Benchmark(Description = "NearCacheStore invalidate held key + insert back")]
    public bool StoreInvalidate()
    {
        string key = _keys[Advance(ref _next, Entries)];
        long sequence = ++_sequence;
        _invalidated.Invalidate(Silo, 1, 0, sequence, key);
        return _invalidated.TrySet(key, _value, 0, Silo, epoch: 1, readSequence: sequence, TimeSpan.FromHours(1));
    }

    [Benchmark(Description = "NearCacheStore.Remove of a key not held")]
    public void StoreForgetAbsent() => _store.Remove(_absent[Advance(ref _next, Entries)]);

    [Benchmark(Description = "100k entries, random order: TryGet hit (the caller's copy)")]
    public int LargeStoreHit()
    {
        int i = _largeOrder[Advance(ref _nextLarge, LargeEntries)];
        return _large.TryGet(_largeKeys[i], out var value) ? value.Length : 0;
    }

    [Benchmark(Description = "100k entries, random order: a held key rewritten (same length)")]
    public bool LargeStoreReplace()
    {
        int i = _largeOrder[Advance(ref _nextLarge, LargeEntries)];
        return _large.TrySet(_largeKeys[i], _value, _largePartitions[i], Silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1));
    }

    [Benchmark(OperationsPerInvoke = LargeInserts, Description = "1M inserts into a 100k-entry store")]
    public int MillionInserts()
    {
        var store = NewStore(LargeEntries);
        for (int i = 0; i < LargeInserts; i++)
        {
            store.TrySet(_largeKeys[i], _value, _largePartitions[i], Silo, epoch: 1, readSequence: 0, TimeSpan.FromHours(1));
        }

        return store.Count;
    }

    private static NearCacheStore NewStore(int entries)
    {
        var store = new NearCacheStore(PartitionCount, entries, 1L << 30, TimeProvider.System, NearCacheAdmission.ReRead);
        store.RenewLease(Silo, store.NowMs, (long)TimeSpan.FromDays(1).TotalMilliseconds);
        return store;
    }

    private static int PartitionOf(string key) => PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), PartitionCount);

    private string NextKey() => _keys[Advance(ref _next, Entries)];

    private static int Advance(ref int next, int count)
    {
        int i = next + 1;
        if (i == count)
        {
            i = 0;
        }

        next = i;
        return i;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_reads")]
    private static extern ref NearCacheReads ReadsOf(GridCache cache);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_near")]
    private static extern ref NearCacheStore? NearStoreOf(NearCacheReads reads);
}
