using System.Globalization;
using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Memory;
using Grid.Grains.Storage;

namespace Grid.Core.Tests.Storage;

/// <summary>
/// Records in arena pages (issue 16 item 6): overwrites and removals leave dead space that compaction gives back, every
/// key stays readable while records move, and a partition emptied holds no page.
/// </summary>
public sealed class RecordArenaTests
{
    private static string K(int i) => "key:" + i.ToString("D7", CultureInfo.InvariantCulture);

    private static string V(int i, int length) => new((char)('a' + (i % 26)), length);

    [Fact]
    public void Removing_half_the_keys_compacts_the_pages_they_leave_mostly_dead()
    {
        var f = new StoreFixture();
        const int n = 4_000;
        for (int i = 0; i < n; i++)
        {
            f.Set(K(i), V(i, 100));
        }

        var arena = StoreInspector.TableOf(f.Store).Arena;
        int full = arena.Pages;
        Assert.True(full >= n * 100 / RecordArena.PageSize, $"{full} pages for {n} records of over 100 bytes");

        var order = Enumerable.Range(0, n).ToArray();
        new Random(3).Shuffle(order);
        for (int j = 0; j < n / 2; j++)
        {
            Assert.Equal(1, f.Remove(K(order[j])).Number);
        }

        StoreInspector.AssertConsistent(f.Store);
        // Each page that is not being filled keeps under a quarter of dead bytes, so half the records take about half the pages.
        Assert.InRange(arena.Pages, 1, (full * 2 / 3) + 2);
        Assert.True(arena.PageBytes <= (arena.LiveBytes * 4 / 3) + (2L * RecordArena.PageSize), $"{arena.PageBytes} page bytes for {arena.LiveBytes} live");
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(order.AsSpan(0, n / 2).Contains(i) ? null : V(i, 100), f.GetString(K(i)));
        }
    }

    [Fact]
    public void Overwrites_of_changing_sizes_keep_dead_space_bounded_and_every_value_readable()
    {
        var f = new StoreFixture();
        var random = new Random(7);
        const int keys = 2_000;
        var model = new Dictionary<string, string>();
        for (int op = 0; op < 60_000; op++)
        {
            int i = random.Next(keys);
            int roll = random.Next(10);
            if (roll == 0)
            {
                f.Remove(K(i));
                model.Remove(K(i));
            }
            else
            {
                // Mostly page-sized records; now and then one too large for a page (an array of its own), or a time to live.
                int length = roll == 1 ? 1_100 + random.Next(400) : random.Next(300);
                var value = V(op, length);
                f.Set(K(i), value, ttlMs: roll == 2 ? 3_600_000 : 0);
                model[K(i)] = value;
            }

            if (op % 10_000 == 0)
            {
                StoreInspector.AssertConsistent(f.Store);
            }
        }

        StoreInspector.AssertConsistent(f.Store);
        Assert.Equal(f.Store.Bytes, f.Account.Total);
        var arena = StoreInspector.TableOf(f.Store).Arena;
        Assert.True(arena.PageBytes <= (arena.LiveBytes * 4 / 3) + ((arena.Pages + 1L) * RecordArena.MaxRecordSize) + RecordArena.PageSize, $"{arena.PageBytes} page bytes for {arena.LiveBytes} live in {arena.Pages} pages");
        foreach (var (key, value) in model)
        {
            Assert.Equal(value, f.GetString(key));
        }

        Assert.Equal(model.Count, f.Store.Count);
    }

    [Fact]
    public void A_sealed_page_keeps_only_its_used_bytes()
    {
        // Records of 129 bytes (18-byte header, 11-byte key, 100-byte value): 31 fill 3,999 bytes of a 4,096-byte page and
        // the 32nd starts a new one. The 97 bytes left at each sealed page's end were held for good (about 3 % of the data).
        var f = new StoreFixture();
        const int n = 3_100;
        for (int i = 0; i < n; i++)
        {
            f.Set(K(i), V(i, 100));
        }

        var arena = StoreInspector.TableOf(f.Store).Arena;
        Assert.True(arena.Pages >= 99, $"{arena.Pages} pages");

        // All but the page being filled are exactly their records (each array also has its 24-byte header).
        long slack = arena.PageBytes - arena.LiveBytes - (arena.Pages * EntryRecord.HeapSize(0));
        Assert.InRange(slack, 0, RecordArena.PageSize);
        StoreInspector.AssertConsistent(f.Store);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(V(i, 100), f.GetString(K(i)));
        }

        // Sealed, trimmed pages still take removals and compaction.
        for (int i = 0; i < n; i += 2)
        {
            Assert.Equal(1, f.Remove(K(i)).Number);
        }

        StoreInspector.AssertConsistent(f.Store);
        for (int i = 1; i < n; i += 2)
        {
            Assert.Equal(V(i, 100), f.GetString(K(i)));
        }
    }

    [Fact]
    public void An_emptied_partition_holds_no_page_and_a_small_one_a_small_page()
    {
        var f = new StoreFixture();
        f.Set("a", "1");
        var arena = StoreInspector.TableOf(f.Store).Arena;
        Assert.Equal(1, arena.Pages);
        Assert.True(arena.PageBytes < 1_024, $"a one-key partition holds {arena.PageBytes} page bytes");
        f.Remove("a");
        Assert.Equal(0, arena.Pages);
        Assert.Equal(0, arena.LiveBytes);
        StoreInspector.AssertConsistent(f.Store);
    }

    [Fact]
    public void Hashes_and_lists_beside_arena_records_survive_compaction()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 1_000; i++)
        {
            f.Set(K(i), V(i, 120));
            if (i % 10 == 0)
            {
                f.HSet("h" + K(i), "f", V(i, 5));
                f.Push("l" + K(i), false, V(i, 7));
            }
        }

        for (int i = 0; i < 1_000; i += 2)
        {
            f.Remove(K(i));
        }

        StoreInspector.AssertConsistent(f.Store);
        for (int i = 0; i < 1_000; i++)
        {
            Assert.Equal(i % 2 == 0 ? null : V(i, 120), f.GetString(K(i)));
            if (i % 10 == 0)
            {
                Assert.Equal(GridValueType.Hash, f.TypeOf("h" + K(i)));
                Assert.Equal(GridValueType.List, f.TypeOf("l" + K(i)));
            }
        }
    }

    [Fact]
    public void An_eviction_candidate_whose_record_moved_is_still_evicted_by_its_key()
    {
        var f = new StoreFixture();
        const int n = 400;
        for (int i = 0; i < n; i++)
        {
            f.Set(K(i), V(i, 100));
        }

        var pool = new EvictionPool(4);
        pool.SetNow(unchecked((uint)f.NowMs));
        f.Store.Sample(pool, 1, new Random(5));
        Assert.True(pool.TryTakeOldest(out var candidate));
        int sampled = Enumerable.Range(0, n).Single(i => RecordTable.HashKey(Encoding.UTF8.GetBytes(K(i))) == candidate.KeyHash);

        // Remove most other keys: their pages get compacted, and the sampled record moves with them (unless it sits in
        // the page being filled).
        for (int i = 0; i < n; i++)
        {
            if (i != sampled && i % 4 != 0)
            {
                f.Remove(K(i));
            }
        }

        StoreInspector.AssertConsistent(f.Store);
        Assert.True(f.Store.TryEvict(candidate.KeyHash, candidate.Stamp));
        Assert.Null(f.GetString(K(sampled)));
        Assert.Equal(1, f.Store.Counters.Evictions);
    }
}
