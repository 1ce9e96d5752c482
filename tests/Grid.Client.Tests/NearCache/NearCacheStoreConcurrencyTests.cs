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

    /// <summary>
    /// A removal (a local write, an invalidation) is never lost to another thread's change of the table. The owner keeps a
    /// key and removes it, then must miss it; meanwhile churners put keys of the same bucket in front of it on its chain,
    /// take them out and reuse their slots for keys of other buckets (so a lock-free walk of the chain standing on such a
    /// slot is led to another chain), and the table grows once per round. (Reproduces a lost removal: the removal's
    /// lock-free "is it held?" walk was led astray or read a table being replaced, took "no" for an answer and removed
    /// nothing, so the old value stayed served.)
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_removal_is_never_lost_while_other_threads_change_its_chain(bool byInvalidation)
    {
        const int Churners = 3;
        const int MaxEntries = 2048;
        var time = new FakeTimeProvider();
        var silo = TestOps.Silo(1);
        string ownerKey = "owner";
        int bucketMask = MaxEntries - 1;
        int ownerBucket = NearCacheTable.HashOf(ownerKey) & bucketMask;

        // Keys on the owner key's chain (same bucket at both table sizes) and keys elsewhere.
        var sameBucket = new List<string>();
        var elsewhere = new List<string>();
        for (int n = 0; sameBucket.Count < 16; n++)
        {
            string key = $"s{n}";
            if ((NearCacheTable.HashOf(key) & bucketMask) == ownerBucket)
            {
                sameBucket.Add(key);
            }
            else if (elsewhere.Count < 16)
            {
                elsewhere.Add(key);
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(1);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long checks = 0;
        int rounds = 0;
        while (DateTime.UtcNow < deadline || rounds == 0)
        {
            rounds++;
            var store = new NearCacheStore(Churners + 1, MaxEntries, 1L << 24, time);
            store.RenewLease(silo, store.NowMs, (long)TimeSpan.FromDays(1).TotalMilliseconds);

            // Past the first table's 1,024 slots: the next add grows it (once per round), while the owner removes.
            var value = new byte[8];
            for (int n = 0; n < 1000; n++)
            {
                store.TrySet($"fill{n}", value, 0, silo, Epoch, 0, TimeSpan.FromHours(1));
            }

            var roundEnd = DateTime.UtcNow.AddMilliseconds(50);
            var threads = new List<Thread>();
            for (int c = 0; c < Churners; c++)
            {
                int churner = c;
                threads.Add(new Thread(() =>
                {
                    var held = new byte[8];
                    for (int n = churner; DateTime.UtcNow < roundEnd; n++)
                    {
                        // In front of the owner key on its chain, out again, and its slot reused on another chain.
                        string near = sameBucket[n % sameBucket.Count];
                        string far = elsewhere[n % elsewhere.Count];
                        store.TrySet(near, held, churner, silo, Epoch, 0, TimeSpan.FromHours(1));
                        store.Remove(near);
                        store.TrySet(far, held, churner, silo, Epoch, 0, TimeSpan.FromHours(1));
                        store.Remove(far);
                        if (n % 64 == 0)
                        {
                            store.TrySet($"grow{churner}:{n}", held, churner, silo, Epoch, 0, TimeSpan.FromHours(1));
                        }
                    }
                }));
            }

            int owner = Churners;
            threads.Add(new Thread(() =>
            {
                long sequence = 0;
                for (int n = 0; DateTime.UtcNow < roundEnd; n++)
                {
                    if (!store.TrySet(ownerKey, new byte[8], owner, silo, Epoch, sequence, TimeSpan.FromHours(1)))
                    {
                        failures.Enqueue("the owner key was not kept");
                        continue;
                    }

                    Thread.SpinWait(n % 200);
                    if (byInvalidation)
                    {
                        store.Invalidate(silo, Epoch, owner, ++sequence, ownerKey);
                    }
                    else
                    {
                        store.Remove(ownerKey);
                    }

                    Interlocked.Increment(ref checks);
                    if (store.TryGet(ownerKey, out _))
                    {
                        failures.Enqueue($"still served after its removal (round {rounds}, try {n})");
                    }
                }
            }));

            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {checks} removals lost; first: {(failures.TryPeek(out var first) ? first : "")}");
        Assert.True(checks > 0);
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
