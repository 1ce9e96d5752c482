using System.Reflection;
using System.Text;
using Grid.Grains.Storage;

namespace Grid.Core.Tests.Support;

/// <summary>Reads a store's private arrays (tests only) to check its structural invariants and find records.</summary>
internal static class StoreInspector
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo StoreTableField = typeof(PartitionStore).GetField("_table", Private)!;

    /// <summary>Copies of the entries' records, dense, as an array as long as the table's capacity (null above Count).</summary>
    public static byte[]?[] Records(PartitionStore store)
    {
        var table = TableOf(store);
        var records = new byte[]?[table.Capacity];
        for (int i = 0; i < table.Count; i++)
        {
            records[i] = table.RecordAt(i).ToArray();
        }

        return records;
    }

    /// <summary>The index inserts go to (the new one while a resize is under way).</summary>
    public static SlotIndex Table(PartitionStore store) => TableOf(store).IndexTable;

    public static int Tombstones(PartitionStore store) => TableOf(store).Tombstones;

    public static RecordTable TableOf(PartitionStore store) => (RecordTable)StoreTableField.GetValue(store)!;

    /// <summary>The dense index of the entry for <paramref name="key"/>, or -1.</summary>
    public static int IndexOf(PartitionStore store, string key)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var table = TableOf(store);
        return table.Find(k, RecordTable.HashKey(k), out _);
    }

    /// <summary>
    /// What is held for <paramref name="key"/>: the <see cref="ComplexEntry"/> of a hash or list, a copy of the record
    /// of a string or counter, or null.
    /// </summary>
    public static object? Entry(PartitionStore store, string key)
    {
        var table = TableOf(store);
        int index = IndexOf(store, key);
        return index < 0 ? null : (object?)table.ComplexAt(index) ?? table.RecordAt(index).ToArray();
    }

    /// <summary>A copy of the record held for <paramref name="key"/> (a structure's record for a hash or list), or null.</summary>
    public static byte[]? Record(PartitionStore store, string key)
    {
        int index = IndexOf(store, key);
        return index < 0 ? null : TableOf(store).RecordAt(index).ToArray();
    }

    /// <summary>
    /// Where the record of <paramref name="key"/> is kept (its arena address, or its object slot with the top bit): the
    /// same handle after a write means the record was rewritten in place. Throws when the key is missing.
    /// </summary>
    public static uint Handle(PartitionStore store, string key)
    {
        int index = IndexOf(store, key);
        Assert.True(index >= 0, $"'{key}' is not in the store");
        return TableOf(store).HandleAt(index);
    }

    /// <summary>What <see cref="PartitionStore.Bytes"/> should be: its overhead, its arrays and every entry's size.</summary>
    public static long ExpectedBytes(PartitionStore store) => ExpectedBytes(TableOf(store));

    /// <summary>What <see cref="RecordTable.Bytes"/> should be, counted from the arrays themselves.</summary>
    public static long ExpectedBytes(RecordTable table)
    {
        long total = RecordTable.StoreOverhead + table.MeasureStructureBytes();
        for (int i = 0; i < table.Count; i++)
        {
            total += table.SizeAt(i);
        }

        return total;
    }

    /// <summary>
    /// Checks the structure: every entry below Count has a handle of its own and a live record of the length its header
    /// says, the arena's live bytes are those records', every index slot (in the new index and, during a
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
        var handles = new HashSet<uint>();
        long live = 0;
        for (int i = 0; i < count; i++)
        {
            Assert.True(handles.Add(table.HandleAt(i)), $"record {i} shares its handle with another entry");
            Assert.False(EntryRecord.IsDead(table.RecordAt(i)), $"record {i} is marked dead");
            if (table.ComplexAt(i) is null && RecordArena.Fits(table.RecordAt(i).Length))
            {
                // In a page: the header's length is what the page is walked by.
                Assert.Equal(table.RecordAt(i).Length, EntryRecord.Length(table.RecordAt(i)));
                live += table.RecordAt(i).Length;
            }
        }

        Assert.Equal(live, table.Arena.LiveBytes);

        var seen = new bool[count];
        int tombstones = CheckIndex(table, table.IndexTable, seen);
        Assert.Equal(tombstones, table.Tombstones);
        int migrating = 0;
        if (table.MigratingTable is { } old)
        {
            CheckIndex(table, old, seen);
            for (int pos = 0; pos < old.Length; pos++)
            {
                migrating += old[pos] != SlotIndex.Empty && old[pos] != old.Tombstone ? 1 : 0;
            }

            Assert.True(migrating > 0, "an empty old index is kept");
        }

        Assert.Equal(migrating, table.MigratingEntries);
        Assert.All(seen, Assert.True);
        Assert.True((count + tombstones) * 4L <= table.IndexTable.Length * 3L, "table is over 3/4 full");
        Assert.Equal(ExpectedBytes(table), table.Bytes);
    }

    private static int CheckIndex(RecordTable table, SlotIndex index, bool[] seen)
    {
        Assert.True(SlotIndex.IsLength(index.Length), $"{index.Length} is not an index length");
        Assert.Equal(index.Length is > SlotIndex.MinLength and <= SlotIndex.NarrowMaxLength, index.IsNarrow);
        int tombstones = 0;
        for (int pos = 0; pos < index.Length; pos++)
        {
            uint s = index[pos];
            if (s == SlotIndex.Empty)
            {
                continue;
            }

            if (s == index.Tombstone)
            {
                tombstones++;
                continue;
            }

            int i = index.EntryOf(s);
            Assert.InRange(i, 0, table.Count - 1);
            Assert.False(seen[i], $"record {i} has two slots");
            seen[i] = true;
            uint stored = RecordTable.StoredHash(RecordTable.HashKey(EntryRecord.Key(table.RecordAt(i))));
            Assert.Equal((ushort)stored, table.HashAt(i));
            Assert.True(index.HasTag(s, index.TagOf(stored)), $"the slot of record {i} has another tag");
        }

        return tombstones;
    }
}
