using System.Globalization;
using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Grid.Core.Tests.Storage;

/// <summary>Accounted bytes against the real managed heap: the budget is only as good as this estimate.</summary>
[Collection(HeapMeasurementCollection.Name)]
public sealed class HeapAccountingTests(ITestOutputHelper output)
{
    private const int Stores = 300;
    private const int Entries = 200_000;

    [Fact]
    public void Accounted_bytes_of_200k_small_strings_are_within_10_percent_of_the_gc_heap_growth()
    {
        var clock = new GridClock(new FakeTimeProvider(StoreFixture.Start));
        var account = new CountingAccount();
        var value = new byte[100];
        new Random(1).NextBytes(value);
        var keyBuffer = new byte[11];

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var stores = new PartitionStore[Stores];
        for (int p = 0; p < Stores; p++)
        {
            stores[p] = new PartitionStore(p, clock, account);
        }

        for (int i = 0; i < Entries; i++)
        {
            // 11-byte keys "key:0000000".."key:0199999"
            Encoding.ASCII.GetBytes("key:" + i.ToString("D7", CultureInfo.InvariantCulture), keyBuffer);
            int partition = PartitionHasher.GetPartition(keyBuffer, Stores);
            var result = stores[partition].Execute(new GridOp { Code = OpCode.Set, Key = keyBuffer, Value = value });
            Assert.Equal(ResultStatus.Ok, result.Status);
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        long heap = after - before;
        long accounted = account.Total;
        GC.KeepAlive(stores);

        Assert.Equal(Entries, stores.Sum(s => s.Count));
        Assert.Equal(stores.Sum(s => s.Bytes), accounted);
        double heapPerEntry = (double)heap / Entries;
        double accountedPerEntry = (double)accounted / Entries;
        output.WriteLine($"GC heap growth {heap:N0} B ({heapPerEntry:F1} B/entry); accounted {accounted:N0} B ({accountedPerEntry:F1} B/entry); accounted/heap = {(double)accounted / heap:F3}");
        Assert.InRange((double)accounted / heap, 0.90, 1.10);

        // The record alone is 10 + 11 + 100 = 121 bytes in a page (no array of its own); a 4-byte handle, a 4-byte stored
        // hash and the index add a little per entry (it was 152 + that with one array per record).
        Assert.InRange(accountedPerEntry, 121, 160);
    }

    [Theory]
    [InlineData(true, 1, 8)]
    [InlineData(true, 10, 40)]
    [InlineData(true, 100, 8)]
    [InlineData(true, 3, 1_000)]
    [InlineData(false, 1, 8)]
    [InlineData(false, 10, 40)]
    [InlineData(false, 100, 8)]
    [InlineData(false, 3, 1_000)]
    public void Accounted_bytes_of_hashes_and_lists_are_within_10_percent_of_the_gc_heap_growth(bool hash, int elements, int valueBytes)
    {
        var clock = new GridClock(new FakeTimeProvider(StoreFixture.Start));
        var account = new CountingAccount();
        int keys = Math.Clamp(8_000_000 / (elements * (valueBytes + 64)), 4_000, 40_000);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var stores = new PartitionStore[16];
        for (int p = 0; p < stores.Length; p++)
        {
            stores[p] = new PartitionStore(p, clock, account);
        }

        for (int i = 0; i < keys; i++)
        {
            var key = Encoding.ASCII.GetBytes("s:" + i.ToString("D6", CultureInfo.InvariantCulture));
            var store = stores[i % stores.Length];
            if (hash)
            {
                for (int j = 0; j < elements; j++)
                {
                    store.Execute(new GridOp { Code = OpCode.HashSet, Key = key, Field = "field" + j.ToString(CultureInfo.InvariantCulture), Value = new byte[valueBytes] });
                }
            }
            else
            {
                store.Execute(new GridOp { Code = OpCode.ListPush, Key = key, Values = Enumerable.Range(0, elements).Select(_ => new byte[valueBytes]).ToArray() });
            }
        }

        long heap = GC.GetTotalMemory(forceFullCollection: true) - before;
        long accounted = account.Total;
        GC.KeepAlive(stores);
        double ratio = (double)accounted / heap;
        output.WriteLine($"{(hash ? "hash" : "list")} of {elements} x {valueBytes} B: GC heap {(double)heap / keys:F0} B/key, accounted {(double)accounted / keys:F0} B/key, accounted/heap = {ratio:F3}");
        Assert.InRange(ratio, 0.90, 1.10);
    }
}
