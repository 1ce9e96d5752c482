using System.Reflection;
using System.Text;
using Grid.Grains.Storage;

namespace Grid.Core.Tests.Support;

/// <summary>Reads a store's private arrays (tests only) to check its structural invariants and find records.</summary>
internal static class StoreInspector
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo StoreTableField = typeof(PartitionStore).GetField("_table", Private)!;
    private static readonly FieldInfo RecordsField = typeof(RecordTable).GetField("_records", Private)!;
    private static readonly FieldInfo TableField = typeof(RecordTable).GetField("_table", Private)!;
    private static readonly FieldInfo TombstonesField = typeof(RecordTable).GetField("_tombstones", Private)!;

    public static object[] Records(PartitionStore store) => (object[])RecordsField.GetValue(TableOf(store))!;

    public static uint[] Table(PartitionStore store) => (uint[])TableField.GetValue(TableOf(store))!;

    public static int Tombstones(PartitionStore store) => (int)TombstonesField.GetValue(TableOf(store))!;

    private static RecordTable TableOf(PartitionStore store) => (RecordTable)StoreTableField.GetValue(store)!;

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

    /// <summary>What <see cref="PartitionStore.Bytes"/> should be: its overhead, its two arrays and every entry's size.</summary>
    public static long ExpectedBytes(PartitionStore store)
    {
        var records = Records(store);
        long total = RecordTable.StoreOverhead + EntryRecord.HeapSize(records.Length * 8) + EntryRecord.HeapSize(Table(store).Length * 4);
        for (int i = 0; i < store.Count; i++)
        {
            total += RecordTable.EntrySize(records[i]);
        }

        return total;
    }

    /// <summary>
    /// Checks the structure: records dense below Count and null above, every table slot points at a distinct live record
    /// whose hash tag matches, every record has exactly one slot, the tombstone count is right, the load stays under 3/4,
    /// and the accounted bytes match what the store holds.
    /// </summary>
    public static void AssertConsistent(PartitionStore store)
    {
        var records = Records(store);
        var table = Table(store);
        int count = store.Count;
        Assert.True(count <= records.Length, "count exceeds the record array");
        for (int i = 0; i < records.Length; i++)
        {
            Assert.True(i < count == records[i] is not null, $"record {i} of {count} is {(records[i] is null ? "null" : "set")}");
        }

        Assert.True(System.Numerics.BitOperations.IsPow2(table.Length), "table length is not a power of two");
        var seen = new bool[count];
        int tombstones = 0;
        for (int pos = 0; pos < table.Length; pos++)
        {
            uint s = table[pos];
            if (s == 0)
            {
                continue;
            }

            if (s == 0xFFFF_FFFF)
            {
                tombstones++;
                continue;
            }

            int index = (int)(s & 0xFF_FFFF) - 1;
            Assert.InRange(index, 0, count - 1);
            Assert.False(seen[index], $"record {index} has two slots");
            seen[index] = true;
            ulong hash = RecordTable.HashKey(EntryRecord.Key(RecordTable.RecordOf(records[index])));
            Assert.Equal(hash >> 56, (ulong)(s >> 24));
        }

        Assert.All(seen, Assert.True);
        Assert.Equal(tombstones, Tombstones(store));
        Assert.True((count + tombstones) * 4L <= table.Length * 3L, "table is over 3/4 full");
        Assert.Equal(ExpectedBytes(store), store.Bytes);
    }
}
