using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>
/// The store's lookahead (<see cref="PartitionStore.Prefetch"/>): hints only. Run without the store's lock, on any key
/// hash, at any stage, on a store in any state (empty, mid-resize, with large records and structures), or racing a
/// writer that grows, shrinks and compacts the store, it throws nothing and changes nothing a caller can see.
/// </summary>
public sealed class LookaheadTests
{
    private static string K(int i) => StoreFixture.Key(i);

    [Fact]
    public void Every_stage_on_an_empty_store_does_nothing()
    {
        var f = new StoreFixture();
        RunAllStages(f.Store, RecordTable.HashKey(StoreFixture.Bytes("missing")));
        RunAllStages(f.Store, 0);
        RunAllStages(f.Store, ulong.MaxValue);
        Assert.Equal(0, f.Store.Count);
        Assert.Equal(0, f.Store.Counters.Operations);
    }

    [Fact]
    public void Every_stage_on_every_kind_of_entry_and_a_half_done_resize_changes_nothing()
    {
        var f = new StoreFixture();
        var table = StoreInspector.TableOf(f.Store);
        int count = 0;
        do
        {
            Assert.Equal(ResultStatus.Ok, f.Set(K(count), "v" + count).Status);
            count++;
        }
        while (count < 1_000 || table.MigratingTable is null);

        // Beside the strings in the arena: a record too large for a page (an object), a hash and a list.
        Assert.Equal(ResultStatus.Ok, f.SetBytes("large", new byte[RecordArena.MaxRecordSize * 2]).Status);
        Assert.Equal(ResultStatus.Ok, f.HSet("hash", "field", "value").Status);
        Assert.Equal(ResultStatus.Ok, f.Push("list", left: false, "a", "b").Status);
        long operations = f.Store.Counters.Operations;
        long bytes = f.Store.Bytes;
        Assert.NotNull(table.MigratingTable);

        var random = new Random(7);
        for (int i = 0; i < count; i++)
        {
            RunAllStages(f.Store, RecordTable.HashKey(StoreFixture.Bytes(K(i))));
            RunAllStages(f.Store, (ulong)random.NextInt64());
        }

        foreach (var key in new[] { "large", "hash", "list" })
        {
            RunAllStages(f.Store, RecordTable.HashKey(StoreFixture.Bytes(key)));
        }

        Assert.NotNull(table.MigratingTable);
        Assert.Equal(operations, f.Store.Counters.Operations);
        Assert.Equal(bytes, f.Store.Bytes);
        Assert.Equal(count + 3, f.Store.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal("v" + i, f.GetString(K(i)));
        }
    }

    [Fact]
    public void Lookahead_racing_a_writer_that_grows_shrinks_and_compacts_the_store_throws_nothing()
    {
        // The lookahead reads the index, the handles and the arena's pages without the lock, while the store's own
        // operations replace, grow and compact them: every read it makes must be checked, whatever it sees.
        var f = new StoreFixture();
        var hashes = new ulong[4_000];
        for (int i = 0; i < hashes.Length; i++)
        {
            hashes[i] = RecordTable.HashKey(StoreFixture.Bytes(K(i)));
        }

        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        long rounds = 0;
        var reader = new Thread(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (ulong hash in hashes)
                    {
                        RunAllStages(f.Store, hash);
                    }

                    rounds++;
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        reader.Start();
        try
        {
            var random = new Random(11);
            for (int cycle = 0; cycle < 6; cycle++)
            {
                // Grow past several resizes (values of varying size fill and seal pages), then remove most (pages a
                // quarter dead are compacted, the index shrinks), then overwrite what is left with other sizes.
                for (int i = 0; i < hashes.Length; i++)
                {
                    f.Set(K(i), new string('x', random.Next(1, 300)));
                }

                for (int i = 0; i < hashes.Length; i++)
                {
                    if (i % 8 != 0)
                    {
                        f.Remove(K(i));
                    }
                }

                for (int i = 0; i < hashes.Length; i += 8)
                {
                    f.Set(K(i), "w" + i);
                }
            }
        }
        finally
        {
            stop.Cancel();
            reader.Join();
        }

        Assert.Null(failure);
        Assert.True(rounds > 0);
        Assert.Equal(hashes.Length / 8, f.Store.Count);
        for (int i = 0; i < hashes.Length; i += 8)
        {
            Assert.Equal("w" + i, f.GetString(K(i)));
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(2_048)]
    [InlineData(98_304)]
    public void An_unlocked_peek_outside_the_slots_reads_empty(int length)
    {
        var index = new SlotIndex(length);
        index[length - 1] = index.SlotFor(5, 3);
        Assert.Equal(index.SlotFor(5, 3), index.PeekUnlocked(length - 1));
        foreach (int position in new[] { -1, length, length + 1, int.MaxValue, int.MinValue })
        {
            Assert.Equal(SlotIndex.Empty, index.PeekUnlocked(position));
        }

        Assert.Equal(SlotIndex.Empty, default(SlotIndex).PeekUnlocked(0));
        default(SlotIndex).PrefetchHome(123);
    }

    [Fact]
    public void A_record_prefetch_at_any_address_throws_nothing()
    {
        var arena = new RecordArena();
        arena.PrefetchRecord(0);
        uint address = arena.Add(Encoding.UTF8.GetBytes("a record of some bytes"));
        foreach (uint at in new[] { address, address + 4_000, uint.MaxValue, 1u << 20 })
        {
            arena.PrefetchRecord(at);
        }

        arena.PrefetchPages();
    }

    private static void RunAllStages(PartitionStore store, ulong hash)
    {
        CachePrefetch.Object(store);
        for (int stage = 0; stage < PartitionStore.PrefetchStages; stage++)
        {
            store.Prefetch(stage, hash);
        }
    }
}
