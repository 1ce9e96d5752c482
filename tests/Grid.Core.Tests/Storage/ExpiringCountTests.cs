using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>
/// A store counts its entries with a deadline (<see cref="PartitionStore.ExpiringCount"/>: INFO keyspace's
/// <c>expires</c>, and what lets the expiry sweep pass over partitions where nothing can expire) through every way a
/// deadline comes and goes: writes with and without a TTL, EXPIRE and PERSIST in place and by a new record, hashes and
/// lists, sliding entries, removals, lazy and active expiry.
/// </summary>
public sealed class ExpiringCountTests
{
    private readonly StoreFixture _f = new();

    private int Expiring => _f.Store.ExpiringCount;

    [Fact]
    public void Strings_count_while_they_have_a_deadline()
    {
        _f.Set("plain", "v");
        Assert.Equal(0, Expiring);

        _f.Set("ttl", "v", ttlMs: 10_000);
        _f.Set("sliding", "v", slidingMs: 10_000);
        Assert.Equal(2, Expiring);

        // Overwrites: the deadline goes with the old record, the new one brings its own.
        _f.Set("ttl", "v2");
        Assert.Equal(1, Expiring);
        _f.Set("plain", "v2", ttlMs: 10_000);
        Assert.Equal(2, Expiring);

        // PERSIST in place (the record keeps room for a deadline), EXPIRE in place, EXPIRE by a new record.
        _f.Persist("plain");
        Assert.Equal(1, Expiring);
        _f.Expire("plain", 5_000);
        Assert.Equal(2, Expiring);
        _f.Expire("ttl", 5_000);
        Assert.Equal(3, Expiring);
        _f.Persist("sliding");
        Assert.Equal(2, Expiring);

        _f.Remove("plain");
        _f.Remove("ttl");
        Assert.Equal(0, Expiring);
    }

    [Fact]
    public void Hashes_and_lists_count_through_expire_and_persist()
    {
        _f.HSet("h", "f", "v");
        _f.Push("l", left: true, "a", "b");
        Assert.Equal(0, Expiring);

        _f.Expire("h", 5_000);
        _f.Expire("l", 5_000);
        Assert.Equal(2, Expiring);

        // A structure change keeps the header's deadline.
        _f.HSet("h", "g", "w");
        _f.Push("l", left: false, "c");
        Assert.Equal(2, Expiring);

        _f.Persist("h");
        Assert.Equal(1, Expiring);
        _f.Expire("h", 1_000);
        Assert.Equal(2, Expiring);

        _f.Pop("l", left: true, count: 3);
        Assert.Equal(1, Expiring);
        _f.Remove("h");
        Assert.Equal(0, Expiring);
    }

    [Fact]
    public void Expired_entries_leave_the_count_when_touched_or_swept()
    {
        for (int i = 0; i < 10; i++)
        {
            _f.Set(Key(i), "v", ttlMs: 100);
        }

        _f.Set("stays", "v", ttlMs: 10_000);
        _f.Advance(100);
        Assert.Equal(11, Expiring);

        Assert.Equal(ResultStatus.NotFound, _f.Get(Key(0)).Status);
        Assert.Equal(10, Expiring);

        Assert.Equal(9, _f.Store.SweepExpired(1_000));
        Assert.Equal(1, Expiring);
    }

    [Theory]
    [InlineData(20261204)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Count_matches_the_entries_with_a_deadline_after_random_operations(int seed)
    {
        var random = new Random(seed);
        for (int step = 0; step < 5_000; step++)
        {
            string key = Key(random.Next(40));
            switch (random.Next(12))
            {
                case 0: _f.Set(key, "v"); break;
                case 1: _f.Set(key, "v", ttlMs: random.Next(1, 500)); break;
                case 2: _f.Set(key, "v", slidingMs: random.Next(1, 500)); break;
                case 3: _f.Expire(key, random.Next(1, 500)); break;
                case 4: _f.Persist(key); break;
                case 5: _f.Remove(key); break;
                case 6: _f.HSet("h" + key, "f", "v"); break;
                case 7: _f.Expire("h" + key, random.Next(1, 500)); break;
                case 8: _f.Increment("c" + key, 1); break;
                case 9: _f.Expire("c" + key, random.Next(1, 500)); break;
                case 10: _f.Set(key, "w", flags: OpFlags.KeepTtl); break;
                default: _f.Advance(random.Next(50)); break;
            }

            if (step % 100 == 99)
            {
                _f.Store.SweepExpired(random.Next(0, 30));
                Assert.Equal(CountByReading(), Expiring);
            }
        }

        StoreInspector.AssertConsistent(_f.Store);
    }

    /// <summary>The entries with a deadline, found by asking every key's TTL (which also removes the expired ones first).</summary>
    private int CountByReading()
    {
        int expiring = 0;
        for (int i = 0; i < 40; i++)
        {
            foreach (string key in new[] { Key(i), "h" + Key(i), "c" + Key(i) })
            {
                var ttl = _f.Ttl(key);
                expiring += ttl.Status == ResultStatus.Ok && ttl.Number >= 0 ? 1 : 0;
            }
        }

        return expiring;
    }

    private static string Key(int i) => BudgetFixture.Key("k", i);
}
