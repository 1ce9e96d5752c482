using System.Text;
using Grid.Client.NearCache;
using Grid.Client.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// The silos do not push a client's own tracked writes back to it when it holds the key only through them, so the near
/// cache itself orders the answers of its writes of one key: a written value is kept only if no later-ended write of the
/// key (answered or failed) ended first.
/// </summary>
public sealed class NearCacheOwnWriteTests
{
    private const long Epoch = 1;

    private readonly FakeTimeProvider _time = new();
    private readonly NearCacheStore _store;
    private readonly SiloAddress _silo = TestOps.Silo(1);

    public NearCacheOwnWriteTests()
    {
        _store = new NearCacheStore(partitionCount: 8, maxEntries: 100, maxBytes: 1 << 20, _time);
        _store.RenewLease(_silo, _store.NowMs, 60_000);
    }

    [Fact]
    public void A_write_answered_on_its_own_is_kept()
    {
        long sent = _store.WriteClock;

        Assert.True(KeepWritten("k", "1", sent));
        Assert.Equal("1", Served("k"));
    }

    [Fact]
    public void An_earlier_writes_answer_arriving_after_a_later_ones_is_not_kept()
    {
        long first = _store.WriteClock;
        long second = _store.WriteClock;

        Assert.True(KeepWritten("k", "2", second));
        Assert.False(KeepWritten("k", "1", first));
        Assert.Equal("2", Served("k"));
    }

    [Fact]
    public void Writes_one_after_the_other_are_each_kept()
    {
        Assert.True(KeepWritten("k", "1", _store.WriteClock));
        Assert.True(KeepWritten("k", "2", _store.WriteClock));
        Assert.Equal("2", Served("k"));
    }

    [Fact]
    public void An_earlier_writes_answer_after_a_later_write_failed_is_not_kept_and_the_copy_goes()
    {
        long first = _store.WriteClock;
        Assert.True(KeepWritten("k", "0", _store.WriteClock));

        _store.WriteEnded("k", NearCacheTable.HashOf("k"), Partition);   // a later write got no answer: it may still apply on the grid
        Assert.Null(Served("k"));
        Assert.False(KeepWritten("k", "1", first));
        Assert.Null(Served("k"));
    }

    [Fact]
    public void Writes_of_other_keys_do_not_stop_a_write_being_kept()
    {
        long sent = _store.WriteClock;
        int written = 0;
        for (int i = 0; written < 100; i++)
        {
            // Keys share a stamp only when their hashes fall in one bucket (then a written value is merely not kept).
            string other = $"other:{i}";
            if (Bucket(other) != Bucket("k"))
            {
                Assert.True(KeepWritten(other, "x", _store.WriteClock));
                written++;
            }
        }

        Assert.True(KeepWritten("k", "1", sent));
    }

    private static uint Bucket(string key) => (uint)NearCacheTable.HashOf(key) % NearCacheStore.WriteStampBuckets;

    private const int Partition = 2;

    private bool KeepWritten(string key, string value, long sentAt) =>
        _store.TryKeepWritten(key, NearCacheTable.HashOf(key), Encoding.UTF8.GetBytes(value), Partition, _silo, Epoch, 0, TimeSpan.FromMinutes(1), sentAt);

    private string? Served(string key) => _store.TryGet(key, out var value) ? Encoding.UTF8.GetString(value) : null;
}
