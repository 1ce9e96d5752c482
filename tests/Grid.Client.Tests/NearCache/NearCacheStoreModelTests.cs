using System.Text;
using Grid.Client.NearCache;
using Grid.Client.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// <see cref="NearCacheStore"/> against a dictionary model: random keeps, reads, local removals, invalidations and clears
/// (fixed seeds, so a failure repeats). What the store serves is always the last value kept for that key and never one it
/// was told to forget; what it may have dropped on its own is what eviction chose; its entry and byte bounds hold, and its
/// counts match what it serves. The table grows from its first size to the entry bound meanwhile.
/// </summary>
public sealed class NearCacheStoreModelTests
{
    private const int Partitions = 8;
    private const long Epoch = 1;

    private readonly FakeTimeProvider _time = new();
    private readonly SiloAddress _silo = TestOps.Silo(1);

    [Theory]
    [InlineData(1, 64, 200, 1L << 20)]
    [InlineData(2, 1500, 3000, 1L << 20)]
    [InlineData(3, 1500, 3000, 40_000)]
    [InlineData(4, 5, 20, 1L << 20)]
    public void Store_behaves_as_a_bounded_dictionary_that_may_forget(int seed, int maxEntries, int keyCount, long maxBytes)
    {
        var random = new Random(seed);
        var store = new NearCacheStore(Partitions, maxEntries, maxBytes, _time);
        store.RenewLease(_silo, store.NowMs, (long)TimeSpan.FromDays(1).TotalMilliseconds);
        var keys = new string[keyCount];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = $"key:{i}";
        }

        var model = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var sequences = new long[Partitions];
        int version = 0;
        for (int step = 0; step < 20_000; step++)
        {
            int k = random.Next(keys.Length);
            string key = keys[k];
            int partition = k % Partitions;
            int action = random.Next(100);
            if (action < 45)
            {
                var value = Value(key, ++version, random.Next(1, 64));
                Assert.True(store.TrySet(key, value, partition, _silo, Epoch, sequences[partition], TimeSpan.FromHours(1)));
                model[key] = value;
                AssertServes(store, key, value);
            }
            else if (action < 85)
            {
                if (store.TryGet(key, out var served))
                {
                    Assert.True(model.TryGetValue(key, out var expected), $"step {step}: {key} served but never kept or forgotten");
                    Assert.Equal(expected, served);
                }
                else
                {
                    // Evicted (the model learns it): it must not come back.
                    model.Remove(key);
                }
            }
            else if (action < 92)
            {
                store.Remove(key);
                model.Remove(key);
                Assert.False(store.TryGet(key, out _), $"step {step}: {key} served after a local removal");
            }
            else if (action < 99)
            {
                store.Invalidate(_silo, Epoch, partition, ++sequences[partition], key);
                model.Remove(key);
                Assert.False(store.TryGet(key, out _), $"step {step}: {key} served after its invalidation");
            }
            else
            {
                store.Clear();
                model.Clear();
                Assert.Equal(0, store.Count);
            }

            Assert.InRange(store.Count, 0, maxEntries);
            Assert.InRange(store.Bytes, 0, maxBytes);
            if (step % 500 == 0)
            {
                AssertMatches(store, keys, model);
            }
        }

        AssertMatches(store, keys, model);
    }

    [Fact]
    public void Keys_read_often_survive_a_stream_of_keys_read_once()
    {
        const int capacity = 256;
        var store = new NearCacheStore(Partitions, capacity, 1L << 20, _time);
        store.RenewLease(_silo, store.NowMs, (long)TimeSpan.FromDays(1).TotalMilliseconds);
        var hot = new string[capacity / 4];
        for (int i = 0; i < hot.Length; i++)
        {
            hot[i] = $"hot:{i}";
            Assert.True(store.TrySet(hot[i], Value(hot[i], i, 8), i % Partitions, _silo, Epoch, 0, TimeSpan.FromHours(1)));
        }

        // Ten near-caches-full of keys kept once, the hot keys read between them (as a working set and a scan would).
        for (int i = 0; i < 10 * capacity; i++)
        {
            string cold = $"cold:{i}";
            store.TrySet(cold, Value(cold, i, 8), i % Partitions, _silo, Epoch, 0, TimeSpan.FromHours(1));
            if (i % 8 == 0)
            {
                foreach (var key in hot)
                {
                    store.TryGet(key, out _);
                }
            }
        }

        int kept = 0;
        foreach (var key in hot)
        {
            kept += store.TryGet(key, out _) ? 1 : 0;
        }

        Assert.True(kept >= hot.Length * 9 / 10, $"{kept} of {hot.Length} hot keys kept");
        Assert.Equal(capacity, store.Count);
    }

    [Fact]
    public void Byte_bound_evicts_until_the_new_value_fits()
    {
        var store = new NearCacheStore(Partitions, 1000, 1024, _time);
        store.RenewLease(_silo, store.NowMs, (long)TimeSpan.FromDays(1).TotalMilliseconds);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(store.TrySet($"k{i}", new byte[100], i % Partitions, _silo, Epoch, 0, TimeSpan.FromHours(1)));
            Assert.InRange(store.Bytes, 100, 1024);
        }

        Assert.True(store.TrySet("big", new byte[1024], 0, _silo, Epoch, 0, TimeSpan.FromHours(1)));
        Assert.Equal(1, store.Count);
        Assert.True(store.TryGet("big", out var big));
        Assert.Equal(1024, big.Length);
    }

    private static byte[] Value(string key, int version, int padding) =>
        Encoding.UTF8.GetBytes($"{key}#{version}#".PadRight(key.Length + padding + 2, '.'));

    private static void AssertServes(NearCacheStore store, string key, byte[] value)
    {
        Assert.True(store.TryGet(key, out var served), $"{key} not served right after it was kept");
        Assert.Equal(value, served);
    }

    /// <summary>Everything served is what the model holds; the store's counts are what it serves (nothing stale here).</summary>
    private static void AssertMatches(NearCacheStore store, string[] keys, Dictionary<string, byte[]> model)
    {
        int served = 0;
        long bytes = 0;
        foreach (var key in keys)
        {
            if (store.TryGet(key, out var value))
            {
                Assert.True(model.TryGetValue(key, out var expected), $"{key} served but not in the model");
                Assert.Equal(expected, value);
                served++;
                bytes += value.Length;
            }
            else
            {
                model.Remove(key);
            }
        }

        Assert.Equal(model.Count, served);
        Assert.Equal(served, store.Count);
        Assert.Equal(bytes, store.Bytes);
    }
}
