// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grid.Bench.Load;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Persistence;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using GridOp = grains::Grid.Protocol.GridOp;
using ResultStatus = grains::Grid.Protocol.ResultStatus;

namespace Grid.Bench.Micro;

/// <summary>
/// <c>snapshot</c>: warm restart's cost on one silo. Fills 1,024 partition stores with N entries (100-byte values, a
/// 1-hour TTL), then times a full snapshot pass to a directory (every partition written, one at a time, as the silo's
/// periodic pass and its shutdown do), the longest time one partition's lock was held (the pause an operation on that
/// partition could see), and loading every file back into empty stores (a silo's start).
/// </summary>
internal static class SnapshotRunner
{
    private const int PartitionCount = PartitionHasher.DefaultPartitionCount;
    private const int ValueSize = 100;

    /// <summary>Runs <paramref name="runs"/> write-and-load rounds over <paramref name="keys"/> entries in <paramref name="directory"/> (a temporary one when null).</summary>
    public static async Task<int> RunAsync(int keys, int runs, string? directory)
    {
        bool temporary = directory is null;
        directory ??= Directory.CreateTempSubdirectory("grid-snapshot-bench-").FullName;
        try
        {
            var stores = Fill(keys);
            int largest = 0;
            foreach (var store in stores)
            {
                largest = Math.Max(largest, store.Count);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"snapshot: {keys:N0} entries ({ValueSize}-B values, 1 h TTL) in {PartitionCount} partitions (largest {largest:N0}), files in {directory}, {runs} run(s)"));
            Console.WriteLine("run   write ms  longest pause ms  files MB  MB/s   load ms  entries loaded");
            var options = new GridPersistenceOptions { Enabled = true, Directory = directory };
            for (int run = 1; run <= runs; run++)
            {
                // A new service each run: it remembers what it wrote, and would skip every unchanged partition.
                using var snapshots = new PartitionSnapshots(options, PartitionCount, GridClock.System, NullLogger.Instance);
                var pass = await snapshots.WriteAllAsync(stores, CancellationToken.None);
                if (pass.Written != PartitionCount || pass.Entries != keys)
                {
                    throw new InvalidOperationException($"The pass wrote {pass.Written} partitions and {pass.Entries} entries ({pass.Failed} failed).");
                }

                using var loader = new PartitionSnapshots(options, PartitionCount, GridClock.System, NullLogger.Instance);
                long loading = Stopwatch.GetTimestamp();
                long loaded = 0;
                for (int p = 0; p < PartitionCount; p++)
                {
                    var store = new PartitionStore(p, GridClock.System, new NullMemoryAccount());
                    loader.TryRestore(store);
                    loaded += store.Count;
                }

                double loadMs = Stopwatch.GetElapsedTime(loading).TotalMilliseconds;
                double mb = pass.Bytes / 1048576.0;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{run,3} {pass.Elapsed.TotalMilliseconds,10:F0} {pass.LongestPause.TotalMilliseconds,17:F2} {mb,9:F1} {mb / pass.Elapsed.TotalSeconds,5:F0} {loadMs,9:F0} {loaded,15:N0}"));
            }

            return 0;
        }
        finally
        {
            if (temporary)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static PartitionStore[] Fill(int keys)
    {
        var stores = new PartitionStore[PartitionCount];
        for (int p = 0; p < stores.Length; p++)
        {
            stores[p] = new PartitionStore(p, GridClock.System, new NullMemoryAccount());
        }

        var value = KeySpace.Value(ValueSize);
        for (int i = 0; i < keys; i++)
        {
            byte[] key = Encoding.UTF8.GetBytes(KeySpace.Key(i));
            var op = new GridOp { Code = OpCode.Set, Key = key, Value = value, Arg0 = 3_600_000 };
            var result = stores[PartitionHasher.GetPartition(key, PartitionCount)].Execute(op);
            if (result.Status != ResultStatus.Ok)
            {
                throw new InvalidOperationException($"Insert {i} failed: {result.Status} {result.Error}");
            }
        }

        return stores;
    }
}
