using System.Globalization;
using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary><see cref="PartitionStore.Bytes"/> versus what the store holds, and what it reports to its memory account.</summary>
public sealed class AccountingTests
{
    [Fact]
    public void Empty_store_accounts_its_overhead_and_minimal_arrays()
    {
        var f = new StoreFixture();
        // Overhead, the two one-chunk directories (handles, stored hashes), chunk 0 of 4 handles (4 bytes) and 4 hashes
        // (2 bytes), the 8-slot index (wide: 4 bytes a slot); no record page yet (the arena starts with the first record).
        Assert.Equal(256 + (2 * EntryRecord.HeapSize(8)) + EntryRecord.HeapSize(4 * 4) + EntryRecord.HeapSize(4 * 2) + EntryRecord.HeapSize(8 * 4), f.Store.Bytes);
        Assert.Equal(f.Store.Bytes, f.Account.Total);
        StoreInspector.AssertConsistent(f.Store);
    }

    [Fact]
    public void A_string_entry_costs_exactly_its_record_bytes_in_a_page()
    {
        var f = new StoreFixture();
        long empty = f.Store.Bytes;
        f.Set("k", new string('v', 100));
        long pages = StoreInspector.TableOf(f.Store).Arena.OverheadBytes;
        Assert.True(pages > 0);
        Assert.Equal(empty + pages + 18 + 1 + 100, f.Store.Bytes);
        f.Set("k", new string('v', 10)); // a new, smaller record
        Assert.Equal(empty + pages + 18 + 1 + 10, f.Store.Bytes);
        f.Set("k", new string('w', 10), ttlMs: 100, slidingMs: 10); // expiry and sliding fields
        Assert.Equal(empty + pages + 42 + 1 + 10, f.Store.Bytes);
        f.Set("k", new string('w', 2_000)); // too large for a page: an array of its own
        // The array, and the object slot arrays (4 slots and a free list of 4) it needed; the page being filled stays.
        Assert.Equal(empty + pages + EntryRecord.HeapSize(18 + 1 + 2_000) + EntryRecord.HeapSize(4 * 8) + EntryRecord.HeapSize(4 * 4), f.Store.Bytes);
        StoreInspector.AssertConsistent(f.Store);
        f.Remove("k");
        Assert.Equal(empty, f.Store.Bytes);
    }

    [Fact]
    public void Bytes_track_every_kind_of_change_and_return_to_the_empty_baseline()
    {
        var f = new StoreFixture();
        long empty = f.Store.Bytes;
        var random = new Random(99);
        var keys = Enumerable.Range(0, 300).Select(i => "k" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        for (int i = 0; i < 30_000; i++)
        {
            string key = keys[random.Next(keys.Length)];
            string value = new('x', random.Next(0, 300));
            switch (random.Next(16))
            {
                case 0: f.Set(key, value); break;
                case 1: f.Set(key, value, ttlMs: 1 + random.Next(500), tags: random.Next(2) == 0 ? ["a", "bb"] : null); break;
                case 2: f.Set(key, value, ttlMs: random.Next(2) * 1_000, slidingMs: 1 + random.Next(300)); break;
                case 3: f.Remove(key); break;
                case 4: f.Increment(key, random.Next(100)); break;
                case 5: f.HSet(key, "f" + random.Next(8).ToString(CultureInfo.InvariantCulture), value); break;
                case 6: f.HDel(key, "f" + random.Next(8).ToString(CultureInfo.InvariantCulture)); break;
                case 7: f.HIncrBy(key, "n" + random.Next(3).ToString(CultureInfo.InvariantCulture), random.Next(1_000)); break;
                case 8: f.Push(key, random.Next(2) == 0, Enumerable.Repeat(value, 1 + random.Next(4)).ToArray()); break;
                case 9: f.Pop(key, random.Next(2) == 0, 1 + random.Next(3)); break;
                case 10: f.Expire(key, 1 + random.Next(500)); break;
                case 11: f.Persist(key); break;
                case 12: f.Get(key); break;
                case 13: f.Advance(random.Next(50)); break;
                case 14: f.Store.SweepExpired(10); break;
                default: f.Exists(key); break;
            }

            Assert.Equal(f.Store.Bytes, f.Account.Total);
            if (i % 500 == 0)
            {
                StoreInspector.AssertConsistent(f.Store);
            }
        }

        StoreInspector.AssertConsistent(f.Store);
        foreach (var key in keys)
        {
            f.Remove(key);
        }

        Assert.Equal(0, f.Store.Count);
        Assert.Equal(empty, f.Store.Bytes);
        Assert.Equal(empty, f.Account.Total);
    }

    [Fact]
    public void Expired_entries_leave_the_accounted_bytes_when_removed()
    {
        var f = new StoreFixture();
        long empty = f.Store.Bytes;
        for (int i = 0; i < 1_000; i++)
        {
            f.Set("k" + i.ToString(CultureInfo.InvariantCulture), "value", ttlMs: 100);
        }

        f.HSet("h", "f", "v");
        f.Expire("h", 100);
        f.Push("l", true, "a");
        f.Expire("l", 100);
        Assert.True(f.Store.Bytes > empty + 1_000 * 32);
        f.Advance(100);
        while (f.Store.SweepExpired(100) > 0)
        {
        }

        Assert.Equal(0, f.Store.Count);
        Assert.Equal(1_002, f.Store.Counters.Expirations);
        Assert.Equal(empty, f.Store.Bytes);
        Assert.Equal(empty, f.Account.Total);
    }

    [Fact]
    public void Hash_bytes_grow_with_fields_and_values()
    {
        var f = new StoreFixture();
        f.HSet("h", "a", "1");
        long one = f.Store.Bytes;
        f.HSet("h", "a", new string('x', 1_000));
        Assert.True(f.Store.Bytes >= one + 990);
        f.HSet("h", "a", "1");
        Assert.Equal(one, f.Store.Bytes);
        StoreInspector.AssertConsistent(f.Store);
    }

    [Fact]
    public void List_bytes_grow_with_elements()
    {
        var f = new StoreFixture();
        f.Push("l", false, "a");
        long one = f.Store.Bytes;
        f.Push("l", false, new string('x', 1_000));
        Assert.True(f.Store.Bytes >= one + 1_000);
        f.Pop("l", false);
        Assert.Equal(one, f.Store.Bytes);
    }

    [Fact]
    public void Several_stores_report_to_one_account()
    {
        var f = new StoreFixture();
        var other = new PartitionStore(1, f.Clock, f.Account);
        f.Set("k", "v");
        other.Execute(new GridOp { Code = OpCode.Set, Key = [1, 2, 3], Value = new byte[500] });
        Assert.Equal(f.Store.Bytes + other.Bytes, f.Account.Total);
        other.Close();
        Assert.Equal(f.Store.Bytes, f.Account.Total);
    }
}
