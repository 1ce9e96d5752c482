using System.Reflection;
using System.Text;
using Grid.Grains.Storage;

namespace Grid.Core.Tests.Support;

/// <summary>Reads a store's private arrays (tests only) to check its structural invariants and find records.</summary>
internal static class StoreInspector
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo StoreTableField = typeof(PartitionStore).GetField("_table", Private)!;

    /// <summary>The entries, dense, as an array as long as the table's capacity (null above Count).</summary>
    public static object[] Records(PartitionStore store)
    {
        var table = TableOf(store);
        var records = new object[table.Capacity];
        for (int i = 0; i < records.Length; i++)
        {
            records[i] = table[i];
        }

        return records;
    }

    /// <summary>The index inserts go to (the new one while a resize is under way).</summary>
    public static uint[] Table(PartitionStore store) => TableOf(store).IndexTable;

    public static int Tombstones(PartitionStore store) => TableOf(store).Tombstones;

    public static RecordTable TableOf(PartitionStore store) => (RecordTable)StoreTableField.GetValue(store)!;

    /// <summary>The entry object (byte[] record or ComplexEntry) held for <paramref name="key"/>, or null.</summary>
    public static object? Entry(PartitionStore store, string key)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var records = Records(store);
        for (int i = 0; i < store.Count; i++)
        {
            if (EntryRecord.Key(RecordTable.RecordOf(records[i])).SequenceEqual(k))
            {
                return records[i];
            }
        }

        return null;
    }

    public static byte[]? Record(PartitionStore store, string key) => Entry(store, key) is { } e ? RecordTable.RecordOf(e) : null;

    /// <summary>What <see cref="PartitionStore.Bytes"/> should be: its overhead, its arrays and every entry's size.</summary>
    public static long ExpectedBytes(PartitionStore store) => ExpectedBytes(TableOf(store));

    /// <summary>What <see cref="RecordTable.Bytes"/> should be, counted from the arrays themselves.</summary>
    public static long ExpectedBytes(RecordTable table)
    {
        long total = RecordTable.StoreOverhead + table.MeasureStructureBytes();
        for (int i = 0; i < table.Count; i++)
        {
            total += RecordTable.EntrySize(table[i]);
        }

        return total;
    }

    /// <summary>
    /// Checks the structure: records dense below Count and null above, every index slot (in the new index and, during a
    /// resize, the old one) points at a distinct live record whose hash tag and stored hash match, every record has
    /// exactly one slot, the tombstone and migrating counts are right, the load stays under 3/4, and the accounted bytes
    /// match what the store holds.
    /// </summary>
    public static void AssertConsistent(PartitionStore store) => AssertConsistent(TableOf(store));

    /// <inheritdoc cref="AssertConsistent(PartitionStore)"/>
    public static void AssertConsistent(RecordTable table)
    {
        int count = table.Count;
        Assert.True(count <= table.Capacity, "count exceeds the capacity");
        for (int i = 0; i < table.Capacity; i++)
        {
            Assert.True(i < count == table[i] is not null, $"record {i} of {count} is {(table[i] is null ? "null" : "set")}");
        }

        var seen = new bool[count];
        int tombstones = CheckIndex(table, table.IndexTable, seen);
        Assert.Equal(tombstones, table.Tombstones);
        int migrating = 0;
        if (table.MigratingTable is { } old)
        {
            CheckIndex(table, old, seen);
            foreach (uint s in old)
            {
                migrating += s is not 0 and not 0xFFFF_FFFF ? 1 : 0;
            }

            Assert.True(migrating > 0, "an empty old index is kept");
        }

        Assert.Equal(migrating, table.MigratingEntries);
        Assert.All(seen, Assert.True);
        Assert.True((count + tombstones) * 4L <= table.IndexTable.Length * 3L, "table is over 3/4 full");
        Assert.Equal(ExpectedBytes(table), table.Bytes);
    }

    private static int CheckIndex(RecordTable table, uint[] index, bool[] seen)
    {
        Assert.True(System.Numerics.BitOperations.IsPow2(index.Length), "table length is not a power of two");
        int tombstones = 0;
        foreach (uint s in index)
        {
            if (s == 0)
            {
                continue;
            }

            if (s == 0xFFFF_FFFF)
            {
                tombstones++;
                continue;
            }

            int i = (int)(s & 0xFF_FFFF) - 1;
            Assert.InRange(i, 0, table.Count - 1);
            Assert.False(seen[i], $"record {i} has two slots");
            seen[i] = true;
            uint stored = RecordTable.StoredHash(RecordTable.HashKey(EntryRecord.Key(RecordTable.RecordOf(table[i]))));
            Assert.Equal(stored, table.HashAt(i));
            Assert.Equal(stored >> 24, s >> 24);
        }

        return tombstones;
    }
}
