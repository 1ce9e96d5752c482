using System.Buffers.Binary;
using Grid.Client.NearCache;
using Grid.Client.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// <see cref="NearCacheStore"/> under concurrent lock-free readers and writers (bounded: about two seconds): a read never
/// returns another key's value, a torn one, or a value older than one whose removal (local write, invalidation) or
/// replacement finished before the read started — while writers keep, replace, remove and invalidate, eviction churns
/// and the table grows.
/// </summary>
public sealed class NearCacheStoreConcurrencyTests
{
    private const int Writers = 2;
    private const int Readers = 2;
    private const int KeysPerWriter = 600;
    private const long Epoch = 1;

    [Theory]
    [InlineData(256)]
    [InlineData(4096)]
    public void Readers_never_see_a_wrong_torn_or_forgotten_value(int maxEntries)
    {
        var time = new FakeTimeProvider();
        var silo = TestOps.Silo(1);
        var deadline = DateTime.UtcNow.AddSeconds(1);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long reads = 0;
        long hits = 0;
        int rounds = 0;

        // Rounds with a fresh store, so the table grows (4096 > its first size) while readers read.
        while (DateTime.UtcNow < deadline || rounds == 0)
        {
            rounds++;
            var store = new NearCacheStore(Writers, maxEntries, 1L << 24, time);
            store.RenewLease(silo, store.NowMs, (long)TimeSpan.FromDays(1).TotalMilliseconds);

            // keys[w][i] is written by writer w only (partition w), so its versions only grow; stale[w][i] is the newest
            // version a read starting now must not return (removed or replaced before).
            var keys = new string[Writers][];
            var stale = new long[Writers][];
            for (int w = 0; w < Writers; w++)
            {
                keys[w] = new string[KeysPerWriter];
                stale[w] = new long[KeysPerWriter];
                for (int i = 0; i < KeysPerWriter; i++)
                {
                    keys[w][i] = $"w{w}:k{i}";
                }
            }

            var roundEnd = DateTime.UtcNow.AddMilliseconds(250);
            var threads = new List<Thread>();
            for (int w = 0; w < Writers; w++)
            {
                int writer = w;
                threads.Add(new Thread(() => Write(store, silo, writer, keys[writer], stale[writer], roundEnd)));
            }

            for (int r = 0; r < Readers; r++)
            {
                int seed = r;
                threads.Add(new Thread(() =>
                {
                    var random = new Random(seed);
                    while (DateTime.UtcNow < roundEnd)
                    {
                        for (int n = 0; n < 256; n++)
                        {
                            int w = random.Next(Writers);
                            int i = random.Next(KeysPerWriter);
                            long floor = Volatile.Read(ref stale[w][i]);
                            Interlocked.Increment(ref reads);
                            if (!store.TryGet(keys[w][i], out var value))
                            {
                                continue;
                            }

                            Interlocked.Increment(ref hits);
                            var (key, version) = Decode(value);
                            if (key != w * KeysPerWriter + i)
                            {
                                failures.Enqueue($"{keys[w][i]} served the value of key #{key}");
                            }
                            else if (version <= floor)
                            {
                                failures.Enqueue($"{keys[w][i]} served version {version}, removed or replaced before the read (newest stale {floor})");
                            }
                        }
                    }
                }));
            }

            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            Assert.InRange(store.Count, 0, maxEntries);
        }

        Assert.Empty(failures);
        Assert.True(hits > 0 && reads > hits, $"{hits} hits of {reads} reads: the test did not exercise both");
    }

    private static void Write(NearCacheStore store, SiloAddress silo, int writer, string[] keys, long[] stale, DateTime end)
    {
        var random = new Random(100 + writer);
        var versions = new long[keys.Length];
        long sequence = 0;
        while (DateTime.UtcNow < end)
        {
            for (int n = 0; n < 64; n++)
            {
                int i = random.Next(keys.Length);
                int action = random.Next(10);
                if (action < 6)
                {
                    long version = ++versions[i];
                    if (store.TrySet(keys[i], Encode(writer * KeysPerWriter + i, version), writer, silo, Epoch, sequence, TimeSpan.FromHours(1)))
                    {
                        // Kept: every older version is stale for reads starting from now.
                        Volatile.Write(ref stale[i], version - 1);
                    }
                }
                else if (action < 8)
                {
                    store.Remove(keys[i]);
                    Volatile.Write(ref stale[i], versions[i]);
                }
                else
                {
                    store.Invalidate(silo, Epoch, writer, ++sequence, keys[i]);
                    Volatile.Write(ref stale[i], versions[i]);
                }
            }
        }
    }

    /// <summary>A value naming its key and version, padded so a torn read would show.</summary>
    private static byte[] Encode(int key, long version)
    {
        var value = new byte[32];
        BinaryPrimitives.WriteInt32LittleEndian(value, key);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(4), version);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(12), key);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(16), version);
        return value;
    }

    private static (int Key, long Version) Decode(byte[] value)
    {
        int key = BinaryPrimitives.ReadInt32LittleEndian(value);
        long version = BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(4));
        if (value.Length != 32 || BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(12)) != key || BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(16)) != version)
        {
            return (-1, -1);
        }

        return (key, version);
    }
}
