using System.Globalization;
using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>
/// The record table's incremental resize (issue 16 item 3): the index moves to a new one a few slots per operation,
/// lookups see both indexes meanwhile, and no operation does work proportional to the table.
/// </summary>
public sealed class IncrementalResizeTests
{
    private static string K(int i) => StoreFixture.Key(i);

    private static byte[] Entry(string key, int valueLength = 8)
    {
        var record = EntryRecord.Create(GridValueType.String, Encoding.UTF8.GetBytes(key), EntryExpiry.None, default, valueLength, 0, out _);
        return record;
    }

    private static int Find(RecordTable table, string key, out int slot)
    {
        var k = Encoding.UTF8.GetBytes(key);
        return table.Find(k, RecordTable.HashKey(k), out slot);
    }

    private static byte[]? Get(RecordTable table, string key) => Find(table, key, out _) is var i and >= 0 ? table.RecordAt(i).ToArray() : null;

    /// <summary>Insert or replace, as the store's ops do: find, then insert at the slot found or replace in place.</summary>
    private static void Put(RecordTable table, string key, byte[] entry)
    {
        var k = Encoding.UTF8.GetBytes(key);
        ulong hash = RecordTable.HashKey(k);
        int index = table.Find(k, hash, out int slot);
        if (index >= 0)
        {
            table.Replace(index, entry, entry);
        }
        else
        {
            Assert.True(slot >= 0, "a miss must give a slot of the new index");
            Assert.True(table.Insert(hash, slot, entry, entry));
        }
    }

    private static bool Remove(RecordTable table, string key)
    {
        int index = Find(table, key, out int slot);
        if (index < 0)
        {
            return false;
        }

        table.RemoveAt(index, slot);
        return true;
    }

    [Fact]
    public void A_resize_its_last_inserts_left_half_done_finishes_under_reads_alone()
    {
        // Fill a store until an insert starts a resize, then only read: before, the old index stayed
        // for good (only inserts and removals moved it), and every lookup of a key not yet moved probed both indexes.
        var f = new StoreFixture();
        var table = StoreInspector.TableOf(f.Store);
        int count = 0;
        do
        {
            Assert.Equal(ResultStatus.Ok, f.Set(K(count), "v").Status);
            count++;
        }
        while (count < 1_000 || table.MigratingTable is null);

        var old = table.MigratingTable;
        Assert.NotNull(old);
        int bound = (old!.Value.Length / RecordTable.MigrateSlotsPerStep) + 1;
        for (int i = 0; i < bound && table.MigratingTable is not null; i++)
        {
            Assert.Equal("v", f.GetString(K(i % count)));
        }

        Assert.Null(table.MigratingTable);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal("v", f.GetString(K(i)));
        }
    }

    [Fact]
    public void Random_inserts_updates_and_removes_across_resizes_match_a_model_at_every_step()
    {
        var account = new CountingAccount();
        var table = new RecordTable(account);
        long empty = table.Bytes;
        var model = new Dictionary<string, byte[]>();
        var random = new Random(16);
        int migrations = 0, opsMidMigration = 0, oldHits = 0;
        bool wasMigrating = false;

        // Phases: grow to 40k keys (several doublings), churn, shrink to a few hundred, grow again.
        (int Ops, int InsertPct, int RemovePct)[] phases = [(60_000, 80, 5), (20_000, 45, 45), (60_000, 10, 80), (30_000, 75, 10)];
        int next = 0;
        foreach (var (ops, insertPct, removePct) in phases)
        {
            for (int op = 0; op < ops; op++)
            {
                int roll = random.Next(100);
                string key;
                if (roll < insertPct || model.Count == 0)
                {
                    key = K(next++);
                    // Now and then a record too large for an arena page (kept as an object of its own).
                    var entry = Entry(key, random.Next(50) == 0 ? random.Next(1_100, 1_500) : random.Next(1, 64));
                    Put(table, key, entry);
                    model[key] = entry;
                }
                else if (roll < insertPct + removePct)
                {
                    key = K(random.Next(next));
                    Assert.Equal(model.Remove(key), Remove(table, key));
                }
                else
                {
                    key = K(random.Next(next));
                    if (model.ContainsKey(key))
                    {
                        var entry = Entry(key, random.Next(1, 64));
                        Put(table, key, entry);
                        model[key] = entry;
                    }
                }

                // Lookups at every step: the key touched, a random one (present or not), one never inserted.
                Assert.Equal(model.GetValueOrDefault(key), Get(table, key));
                string other = K(random.Next(next));
                Assert.Equal(model.GetValueOrDefault(other), Get(table, other));
                Assert.Null(Get(table, "absent" + op.ToString(CultureInfo.InvariantCulture)));
                Assert.Equal(model.Count, table.Count);
                Assert.Equal(table.Bytes, account.Total);

                bool migrating = table.MigratingTable is not null;
                if (migrating)
                {
                    opsMidMigration++;
                    if (Find(table, other, out int slot) >= 0 && slot < 0)
                    {
                        oldHits++;
                    }
                }

                if (migrating && !wasMigrating)
                {
                    // A resize just started: everything must be findable across the two indexes right now.
                    migrations++;
                    StoreInspector.AssertConsistent(table);
                    foreach (var (k, v) in model)
                    {
                        Assert.Equal(v, Get(table, k));
                    }
                }
                else if (op % 5_000 == 0 || migrating != wasMigrating)
                {
                    StoreInspector.AssertConsistent(table);
                }

                wasMigrating = migrating;
            }
        }

        Assert.True(migrations >= 10, $"only {migrations} resizes happened");
        Assert.True(opsMidMigration > 1_000, $"only {opsMidMigration} operations ran mid-resize");
        Assert.True(oldHits > 100, $"only {oldHits} lookups were answered from the old index");
        foreach (var key in model.Keys.ToList())
        {
            Assert.True(Remove(table, key));
        }

        StoreInspector.AssertConsistent(table);
        Assert.Equal(0, table.Count);
        Assert.Equal(empty, table.Bytes);
        Assert.Equal(empty, account.Total);
    }

    [Fact]
    public void No_insert_moves_more_than_one_step_of_slots_while_growing_to_200k()
    {
        var table = new RecordTable(new CountingAccount());
        int started = 0;
        for (int i = 0; i < 200_000; i++)
        {
            var before = table.MigratingTable;
            int movingBefore = table.MigratingEntries;
            Put(table, K(i), Entry(K(i)));
            if (table.MigratingTable is not null)
            {
                if (before is null)
                {
                    // The resize began with this insert: at most one step's slots have moved.
                    started++;
                    Assert.True(table.MigratingEntries >= table.Count - RecordTable.MigrateSlotsPerStep, $"resize at {i} moved {table.Count - table.MigratingEntries} entries at once");
                }
                else
                {
                    Assert.True(movingBefore - table.MigratingEntries <= RecordTable.MigrateSlotsPerStep, $"insert {i} moved {movingBefore - table.MigratingEntries} entries");
                }
            }

            // Growing never overlaps two resizes: a new one starts only from a finished one.
            Assert.True(before is null || table.MigratingTable is null || before.Value.IsSameIndex(table.MigratingTable.Value), $"a second resize started during one at {i}");
        }

        Assert.True(started >= 12, $"only {started} resizes");
        StoreInspector.AssertConsistent(table);
    }

    [Fact]
    public void Removing_entries_still_in_the_old_index_and_in_the_new_one_during_a_resize()
    {
        var table = new RecordTable(new CountingAccount());
        int n = 0;
        while (table.MigratingTable is null || n < 10_000)
        {
            Put(table, K(n), Entry(K(n)));
            n++;
        }

        Assert.NotNull(table.MigratingTable);
        var removed = new HashSet<int>();
        int fromOld = 0, fromNew = 0;
        for (int i = n - 1; i >= 0 && table.MigratingTable is not null; i -= 3)
        {
            int index = Find(table, K(i), out int slot);
            Assert.True(index >= 0);
            if (slot < 0)
            {
                fromOld++;
            }
            else
            {
                fromNew++;
            }

            table.RemoveAt(index, slot);
            removed.Add(i);
            StoreInspector.AssertConsistent(table);
        }

        Assert.True(fromOld > 0 && fromNew > 0, $"removed {fromOld} from the old index, {fromNew} from the new");
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(!removed.Contains(i), Get(table, K(i)) is not null);
        }
    }

    [Fact]
    public void Tombstones_trigger_an_incremental_rebuild_at_the_same_length()
    {
        var table = new RecordTable(new CountingAccount());
        for (int i = 0; i < 1_000; i++)
        {
            Put(table, K(i), Entry(K(i)));
        }

        while (table.MigratingTable is not null)
        {
            Remove(table, K(0));
            Put(table, K(0), Entry(K(0)));
        }

        int length = table.IndexTable.Length;
        bool rebuilt = false;
        for (int i = 1_000; i < 20_000 && !rebuilt; i++)
        {
            Assert.True(Remove(table, K(i - 1_000)));
            Put(table, K(i), Entry(K(i)));
            if (table.MigratingTable is { } old)
            {
                rebuilt = true;
                Assert.Equal(length, old.Length);
                Assert.Equal(length, table.IndexTable.Length);
                StoreInspector.AssertConsistent(table);
                int last = i;
                for (int j = last - 999; j <= last; j++)
                {
                    Assert.NotNull(Get(table, K(j)));
                }
            }
        }

        Assert.True(rebuilt, "tombstones never triggered a rebuild");
        while (table.MigratingTable is not null)
        {
            Put(table, "x", Entry("x"));
            Remove(table, "x");
        }

        StoreInspector.AssertConsistent(table);
        Assert.True(table.Tombstones < length / 4);
    }

    [Fact]
    public void Enumeration_and_sampling_by_dense_index_see_every_entry_once_while_migrating()
    {
        var table = new RecordTable(new CountingAccount());
        int n = 0;
        while (table.MigratingTable is null || n < 5_000)
        {
            Put(table, K(n), Entry(K(n)));
            n++;
        }

        var random = new Random(3);
        for (int round = 0; round < 50 && table.MigratingTable is not null; round++)
        {
            // A snapshot walks 0..Count-1; a sweep or eviction sample picks indices at random and removes some.
            var keys = new HashSet<string>();
            for (int i = 0; i < table.Count; i++)
            {
                Assert.True(keys.Add(Encoding.UTF8.GetString(EntryRecord.Key(table.RecordAt(i)))));
            }

            Assert.Equal(table.Count, keys.Count);
            int sample = random.Next(table.Count);
            var key = Encoding.UTF8.GetString(EntryRecord.Key(table.RecordAt(sample)));
            Assert.Equal(sample, Find(table, key, out _));
            table.RemoveAt(sample, table.SlotOf(sample));
            Assert.Null(Get(table, key));
            StoreInspector.AssertConsistent(table);
        }
    }

    [Fact]
    public void Entries_grow_by_chunks_past_the_first_and_give_them_back()
    {
        var account = new CountingAccount();
        var table = new RecordTable(account);
        long empty = table.Bytes;
        int n = RecordTable.ChunkSize * 5 + 7;
        for (int i = 0; i < n; i++)
        {
            Put(table, K(i), Entry(K(i)));
            if (i + 1 > RecordTable.ChunkSize)
            {
                Assert.Equal(((i + RecordTable.ChunkSize) / RecordTable.ChunkSize) * RecordTable.ChunkSize, table.Capacity);
            }
        }

        StoreInspector.AssertConsistent(table);
        for (int i = n - 1; i >= 0; i--)
        {
            Assert.True(Remove(table, K(i)));
            Assert.True(table.Capacity <= Math.Max(table.Count * 4, RecordTable.ChunkSize * 3), $"capacity {table.Capacity} for {table.Count}");
            if (i % 1_000 == 0)
            {
                StoreInspector.AssertConsistent(table);
            }
        }

        Assert.Equal(empty, table.Bytes);
        Assert.Equal(empty, account.Total);
    }
}
