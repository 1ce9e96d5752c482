using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>The record array and open-addressing table: growth, shrink, tombstones, swap-remove.</summary>
public sealed class TableTests
{
    private static string K(int i) => StoreFixture.Key(i);

    [Fact]
    public void Growth_keeps_every_key_findable()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 50_000; i++)
        {
            Assert.Equal(ResultStatus.Ok, f.Set(K(i), K(i)).Status);
            if ((i & (i + 1)) == 0)
            {
                StoreInspector.AssertConsistent(f.Store); // around every doubling
            }
        }

        Assert.Equal(50_000, f.Store.Count);
        Assert.True(StoreInspector.Records(f.Store).Length >= 50_000);
        Assert.True(StoreInspector.Table(f.Store).Length >= 50_000 * 4 / 3);
        StoreInspector.AssertConsistent(f.Store);
        for (int i = 0; i < 50_000; i++)
        {
            Assert.Equal(K(i), f.GetString(K(i)));
        }
    }

    [Fact]
    public void Removing_in_random_order_keeps_every_remaining_key_findable_and_shrinks_back()
    {
        var f = new StoreFixture();
        long empty = f.Store.Bytes;
        const int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            f.Set(K(i), K(i));
        }

        var order = Enumerable.Range(0, n).ToArray();
        new Random(11).Shuffle(order);
        var removed = new HashSet<int>();
        for (int j = 0; j < n; j++)
        {
            Assert.Equal(1, f.Remove(K(order[j])).Number);
            removed.Add(order[j]);
            if (j % 2_500 == 0 || n - j < 20)
            {
                StoreInspector.AssertConsistent(f.Store);
                for (int i = 0; i < n; i += 7)
                {
                    Assert.Equal(removed.Contains(i) ? null : K(i), f.GetString(K(i)));
                }
            }
        }

        Assert.Equal(0, f.Store.Count);
        Assert.Equal(4, StoreInspector.Records(f.Store).Length);
        Assert.Equal(8, StoreInspector.Table(f.Store).Length);
        Assert.Equal(empty, f.Store.Bytes);
        Assert.Equal(empty, f.Account.Total);
    }

    [Fact]
    public void Swap_remove_moves_the_last_record_into_the_hole()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 6; i++)
        {
            f.Set(K(i), K(i));
        }

        var last = StoreInspector.Records(f.Store)[5];
        f.Remove(K(1));
        Assert.Equal(last, StoreInspector.Records(f.Store)[1]);
        Assert.Null(StoreInspector.Records(f.Store)[5]);
        StoreInspector.AssertConsistent(f.Store);
        Assert.Equal(K(5), f.GetString(K(5)));
    }

    [Fact]
    public void Steady_churn_reuses_tombstones_without_growing_the_table()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 100; i++)
        {
            f.Set(K(i), "v");
        }

        int tableLength = 0;
        for (int i = 100; i < 100_000; i++)
        {
            f.Remove(K(i - 100));
            f.Set(K(i), "v");
            if (i == 1_000)
            {
                tableLength = StoreInspector.Table(f.Store).Length;
            }

            if (i % 10_000 == 0)
            {
                StoreInspector.AssertConsistent(f.Store);
                Assert.True(StoreInspector.Tombstones(f.Store) <= StoreInspector.Table(f.Store).Length / 4);
            }
        }

        Assert.Equal(tableLength, StoreInspector.Table(f.Store).Length);
        Assert.Equal(100, f.Store.Count);
        for (int i = 99_900; i < 100_000; i++)
        {
            Assert.Equal("v", f.GetString(K(i)));
        }

        Assert.Equal(ResultStatus.NotFound, f.Get(K(99_899)).Status);
    }

    [Fact]
    public void A_miss_terminates_even_when_the_table_is_full_of_tombstones()
    {
        var f = new StoreFixture();
        var random = new Random(5);
        for (int round = 0; round < 2_000; round++)
        {
            int n = random.Next(1, 40);
            for (int i = 0; i < n; i++)
            {
                f.Set(K(round * 100 + i), "v");
            }

            for (int i = 0; i < n; i++)
            {
                f.Remove(K(round * 100 + i));
            }

            Assert.Equal(ResultStatus.NotFound, f.Get("never-there").Status);
        }

        StoreInspector.AssertConsistent(f.Store);
    }

    [Fact]
    public void Keys_with_colliding_table_positions_are_kept_apart()
    {
        // Force many keys into a small table region: keys whose hashes share the low table bits.
        var f = new StoreFixture();
        var colliding = new List<string>();
        for (int i = 0; colliding.Count < 200; i++)
        {
            ulong h = RecordTable.HashKey(StoreFixture.Bytes(K(i)));
            if (((h >> 24) & 0x3FF) < 4)
            {
                colliding.Add(K(i));
            }
        }

        foreach (var key in colliding)
        {
            f.Set(key, key);
        }

        StoreInspector.AssertConsistent(f.Store);
        foreach (var key in colliding)
        {
            Assert.Equal(key, f.GetString(key));
        }

        foreach (var key in colliding.Where((_, i) => i % 2 == 0))
        {
            f.Remove(key);
        }

        StoreInspector.AssertConsistent(f.Store);
        for (int i = 0; i < colliding.Count; i++)
        {
            Assert.Equal(i % 2 == 0 ? null : colliding[i], f.GetString(colliding[i]));
        }
    }

    [Fact]
    public void Mixed_types_survive_growth_shrink_and_swap_remove()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 3_000; i++)
        {
            switch (i % 4)
            {
                case 0: f.Set(K(i), K(i)); break;
                case 1: f.Increment(K(i), i); break;
                case 2: f.HSet(K(i), "f", K(i)); break;
                default: f.Push(K(i), false, K(i)); break;
            }
        }

        for (int i = 0; i < 3_000; i += 3)
        {
            f.Remove(K(i));
        }

        StoreInspector.AssertConsistent(f.Store);
        for (int i = 0; i < 3_000; i++)
        {
            var type = f.TypeOf(K(i));
            if (i % 3 == 0)
            {
                Assert.Equal(GridValueType.None, type);
                continue;
            }

            Assert.Equal((GridValueType)(i % 4 + 1), type);
        }
    }
}
