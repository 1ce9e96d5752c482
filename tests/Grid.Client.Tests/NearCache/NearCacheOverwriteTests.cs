using Grid.Client.NearCache;
using Grid.Client.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// A held key rewritten with a value of its length has the bytes copied into the held array (no new array to outlive
/// gen 0, no old one to die in gen 2), and lock-free readers still get the old value or the new one whole: a hit is a
/// copy made inside the slot's seqlock, never the stored array.
/// </summary>
public sealed class NearCacheOverwriteTests
{
    private const long Epoch = 1;
    private const int Partition = 3;

    private readonly NearCacheStore _store = new(partitionCount: 8, maxEntries: 100, maxBytes: 1 << 20, new FakeTimeProvider());
    private readonly SiloAddress _silo = TestOps.Silo(1);

    public NearCacheOverwriteTests() => _store.RenewLease(_silo, _store.NowMs, 60_000);

    [Fact]
    public void A_kept_write_of_a_held_keys_length_allocates_no_new_value()
    {
        var value = new byte[4096];
        Assert.True(Keep("k", value));
        value.AsSpan().Fill(7);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(Keep("k", value));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < value.Length, $"keeping a same-length value allocated {allocated} bytes");
        Assert.True(_store.TryGet("k", out var served));
        Assert.All(served, b => Assert.Equal(7, b));
        Assert.Equal(value.Length, _store.Bytes);
    }

    [Fact]
    public void A_hit_is_the_callers_own_copy()
    {
        Assert.True(Keep("k", [1, 2, 3]));
        Assert.True(_store.TryGet("k", out var first));

        first[0] = 9;

        Assert.True(_store.TryGet("k", out var second));
        Assert.Equal([1, 2, 3], second);
    }

    [Fact]
    public void A_value_of_another_length_replaces_the_held_one_and_the_byte_count_follows()
    {
        Assert.True(Keep("k", new byte[10]));
        Assert.True(Keep("k", new byte[30]));

        Assert.True(_store.TryGet("k", out var served));
        Assert.Equal(30, served.Length);
        Assert.Equal(30, _store.Bytes);
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public void Readers_racing_in_place_overwrites_get_one_value_whole()
    {
        // One writer flips a held key between all-zero and all-one bytes; readers check every copy is one or the other.
        const int Length = 1024;
        var zeros = new byte[Length];
        var ones = new byte[Length];
        ones.AsSpan().Fill(1);
        Assert.True(Keep("hot", zeros));

        var stop = DateTime.UtcNow.AddMilliseconds(500);
        long torn = 0;
        long hits = 0;
        var readers = new Thread[2];
        for (int r = 0; r < readers.Length; r++)
        {
            readers[r] = new Thread(() =>
            {
                while (DateTime.UtcNow < stop)
                {
                    if (_store.TryGet("hot", out var copy))
                    {
                        Interlocked.Increment(ref hits);
                        byte first = copy[0];
                        if (copy.AsSpan().IndexOfAnyExcept(first) >= 0)
                        {
                            Interlocked.Increment(ref torn);
                        }
                    }
                }
            });
            readers[r].Start();
        }

        long writes = 0;
        while (DateTime.UtcNow < stop)
        {
            Assert.True(Keep("hot", (writes++ & 1) == 0 ? ones : zeros));
        }

        foreach (var reader in readers)
        {
            Assert.True(reader.Join(TimeSpan.FromSeconds(10)), "a reader did not stop");
        }

        Assert.Equal(0, Interlocked.Read(ref torn));
        Assert.True(Interlocked.Read(ref hits) > 0, "no reader ever got a hit");
        Assert.True(writes > 1, "the writer never overwrote the key");
    }

    private bool Keep(string key, byte[] value) =>
        _store.TryKeepWritten(key, NearCacheTable.HashOf(key), value, Partition, _silo, Epoch, 0, TimeSpan.FromMinutes(1), _store.WriteClock);
}
