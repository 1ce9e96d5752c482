using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>
/// The table's index slots (issue 16 item 6): 2 bytes per slot up to 65,536 slots, 4 above, lengths of 2^k and
/// 3 * 2^(k-1); a slot's entry and tag read back as written, no entry ever reads as a tombstone, and a partition that
/// grows past the narrow index (or shrinks back under it) keeps every key findable through the incremental migration
/// between the widths.
/// </summary>
public sealed class SlotIndexTests
{
    private static string K(int i) => StoreFixture.Key(i);

    [Theory]
    [InlineData(8, false, 4)]
    [InlineData(12, true, 2)]
    [InlineData(16, true, 2)]
    [InlineData(1_536, true, 2)]
    [InlineData(2_048, true, 2)]
    [InlineData(49_152, true, 2)]
    [InlineData(65_536, true, 2)]
    [InlineData(98_304, false, 4)]
    [InlineData(131_072, false, 4)]
    public void An_index_is_narrow_from_12_to_65536_slots(int length, bool narrow, int bytesPerSlot)
    {
        var index = new SlotIndex(length);
        Assert.Equal(narrow, index.IsNarrow);
        Assert.Equal(EntryRecord.HeapSize(length * bytesPerSlot), index.HeapBytes);
        Assert.Equal(narrow ? ushort.MaxValue : uint.MaxValue, index.Tombstone);
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(9, 12)]
    [InlineData(13, 16)]
    [InlineData(17, 24)]
    [InlineData(1_154, 1_536)]
    [InlineData(1_537, 2_048)]
    [InlineData(2_049, 3_072)]
    public void Lengths_go_by_powers_of_two_and_one_and_a_half_times_them(int wanted, int length)
    {
        Assert.Equal(length, SlotIndex.LengthAtLeast(wanted));
        Assert.True(SlotIndex.IsLength(length));
        Assert.False(SlotIndex.IsLength(length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlotIndex(20));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(2_048)]
    [InlineData(98_304)]
    public void A_position_outside_the_index_throws_and_writes_nothing(int length)
    {
        // The slots are read without the array's own bounds check (against the index's length instead): that check
        // must still stop every position outside, in both widths, for reads and writes alike.
        var index = new SlotIndex(length);
        foreach (int position in new[] { -1, length, length + 1, int.MaxValue, int.MinValue })
        {
            Assert.Throws<IndexOutOfRangeException>(() => index[position]);
            Assert.Throws<IndexOutOfRangeException>(() => index[position] = 7);
        }

        for (int position = 0; position < length; position++)
        {
            Assert.Equal(SlotIndex.Empty, index[position]);
        }

        index[length - 1] = 7;
        Assert.Equal(7u, index[length - 1]);
        Assert.Throws<IndexOutOfRangeException>(() => default(SlotIndex)[0]);
    }

    [Theory]
    [InlineData(1_536)]
    [InlineData(98_304)]
    public void Home_positions_spread_over_the_whole_index(int length)
    {
        var index = new SlotIndex(length);
        var hits = new int[length];
        var random = new Random(9);
        int n = length * 32;
        for (int i = 0; i < n; i++)
        {
            int home = index.Home((uint)random.NextInt64(0, 1L << 32));
            Assert.InRange(home, 0, length - 1);
            hits[home]++;
        }

        // About 32 per slot: every slot is some key's home, none a pile-up.
        Assert.All(hits, h => Assert.InRange(h, 1, 96));
        Assert.Equal(0, index.Next(length - 1));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(1_536)]
    [InlineData(2_048)]
    [InlineData(49_152)]
    [InlineData(65_536)]
    [InlineData(131_072)]
    public void A_slot_reads_back_its_entry_and_tag_and_no_entry_a_table_can_hold_is_a_tombstone(int length)
    {
        var index = new SlotIndex(length);
        var random = new Random(length);

        // A table of this length holds at most 3/4 of it, plus the one insert that starts its rebuild.
        int largest = (length * 3 / 4) + 1;
        foreach (int entry in new[] { 0, 1, largest / 2, largest - 1 })
        {
            for (int i = 0; i < 64; i++)
            {
                uint h = (uint)random.NextInt64(0, 1L << 32);
                uint slot = index.SlotFor(h, entry);
                index[i % length] = slot;
                uint read = index[i % length];
                Assert.Equal(slot, read);
                Assert.NotEqual(SlotIndex.Empty, read);
                Assert.NotEqual(index.Tombstone, read);
                Assert.Equal(entry, index.EntryOf(read));
                Assert.True(index.HasTag(read, index.TagOf(h)));
                Assert.Equal(entry + 1, index.EntryOf(index.Repointed(read, entry + 1)));
                Assert.True(index.HasTag(index.Repointed(read, entry + 1), index.TagOf(h)));
            }
        }
    }

    [Fact]
    public void A_narrow_tag_tells_most_other_hashes_apart()
    {
        var index = new SlotIndex(2_048);
        var random = new Random(5);
        int same = 0;
        const int trials = 20_000;
        for (int i = 0; i < trials; i++)
        {
            uint a = (uint)random.NextInt64(0, 1L << 32);
            uint b = (uint)random.NextInt64(0, 1L << 32);
            same += index.HasTag(index.SlotFor(a, 7), index.TagOf(b)) ? 1 : 0;
        }

        // 5 tag bits at 2,048 slots (16 - 11): 1 in 32 expected.
        Assert.InRange(same, trials / 64, trials / 16);
    }

    [Fact]
    public void A_partition_of_a_thousand_entries_has_a_narrow_index_of_1536_slots()
    {
        var f = new StoreFixture();
        for (int i = 0; i < 1_000; i++)
        {
            Assert.Equal(ResultStatus.Ok, f.Set(K(i), "v").Status);
        }

        var table = StoreInspector.TableOf(f.Store);
        while (table.MigratingTable is not null)
        {
            Assert.Equal("v", f.GetString(K(0)));
        }

        Assert.True(table.IndexTable.IsNarrow);
        Assert.Equal(1_536, table.IndexTable.Length);
        StoreInspector.AssertConsistent(f.Store);
    }

    [Fact]
    public void Growing_past_the_narrow_index_and_shrinking_back_keeps_every_key_findable()
    {
        var f = new StoreFixture();
        var table = StoreInspector.TableOf(f.Store);
        const int n = 60_000;
        bool sawNarrowToWide = false;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(ResultStatus.Ok, f.Set(K(i), K(i)).Status);
            if (table.MigratingTable is { IsNarrow: true } && !table.IndexTable.IsNarrow)
            {
                sawNarrowToWide = true;
                if (i % 97 == 0)
                {
                    StoreInspector.AssertConsistent(f.Store);
                    Assert.Equal(K(i / 2), f.GetString(K(i / 2)));
                }
            }
        }

        Assert.True(sawNarrowToWide, "no migration from a narrow index to a wide one was seen");
        Assert.False(table.IndexTable.IsNarrow);
        StoreInspector.AssertConsistent(f.Store);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(K(i), f.GetString(K(i)));
        }

        bool sawWideToNarrow = false;
        for (int i = 0; i < n - 100; i++)
        {
            Assert.Equal(1, f.Remove(K(i)).Number);
            sawWideToNarrow |= table.MigratingTable is { IsNarrow: false } && table.IndexTable.IsNarrow;
        }

        Assert.True(sawWideToNarrow, "no migration from a wide index to a narrow one was seen");
        StoreInspector.AssertConsistent(f.Store);
        for (int i = n - 100; i < n; i++)
        {
            Assert.Equal(K(i), f.GetString(K(i)));
        }
    }
    [Fact]
    public void Inserts_and_removals_across_the_narrow_wide_boundary_agree_with_a_model()
    {
        // Grow to just under the narrow index's last length (49,152 entries fill 65,536 slots to 3/4), then drift up past
        // it, down until the index shrinks back to narrow (under 12,288 entries in 98,304 slots), and up again, at random:
        // rebuilds run both ways with inserts and removals (which re-point the moved last entry's slot, in whichever
        // index holds it) interleaved.
        var f = new StoreFixture();
        var table = StoreInspector.TableOf(f.Store);
        var random = new Random(17);
        var live = new List<int>();
        var present = new HashSet<int>();
        int next = 0;
        for (; next < 49_000; next++)
        {
            Assert.Equal(ResultStatus.Ok, f.Set(K(next), K(next)).Status);
            live.Add(next);
            present.Add(next);
        }

        int widths = 0;
        bool? narrowBefore = table.IndexTable.IsNarrow;
        int leg = 0;
        for (int step = 0; leg < 3; step++)
        {
            leg += (leg, live.Count) switch { (0, >= 56_000) or (1, < 11_000) or (2, >= 20_000) => 1, _ => 0 };
            bool grow = random.Next(10) < (leg == 1 ? 3 : 7);
            if (grow || live.Count == 0)
            {
                Assert.Equal(ResultStatus.Ok, f.Set(K(next), K(next)).Status);
                live.Add(next);
                present.Add(next);
                next++;
            }
            else
            {
                int at = random.Next(live.Count);
                int victim = live[at];
                live[at] = live[^1];
                live.RemoveAt(live.Count - 1);
                present.Remove(victim);
                Assert.Equal(1, f.Remove(K(victim)).Number);
            }

            if (table.IndexTable.IsNarrow != narrowBefore)
            {
                widths++;
                narrowBefore = table.IndexTable.IsNarrow;
                StoreInspector.AssertConsistent(f.Store);
            }

            if (step % 5_000 == 0)
            {
                int probe = random.Next(next);
                Assert.Equal(present.Contains(probe) ? K(probe) : null, f.GetString(K(probe)));
            }
        }

        Assert.True(widths >= 2, $"the index changed width {widths} times");
        StoreInspector.AssertConsistent(f.Store);
        Assert.Equal(live.Count, f.Store.Count);
        foreach (int i in live)
        {
            Assert.Equal(K(i), f.GetString(K(i)));
        }
    }
}
