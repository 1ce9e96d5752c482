using System.Buffers;
using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol.Wire;

namespace Grid.Grains.Silo;

/// <summary>
/// Overlaps the cache misses of a batch's operations before they run. Each operation's way to its record is a chain of
/// dependent loads (store, table, index slot, handle, record), so run one after another a batch waits for each load in
/// turn: with a silo's partitions spread over more memory than the caches hold, most of the store's time. Here every
/// stage of <see cref="PartitionStore.Prefetch"/> runs over all of the batch's operations before the next stage, so the
/// loads of different operations are in flight together, and when the operations then run their data is (mostly)
/// already near. Hints only: nothing is changed or taken, no lock is held, and a guess that turns out wrong costs a
/// wasted load.
/// </summary>
internal static class BatchLookahead
{
    /// <summary>Batches of fewer operations are read but not prefetched: little to overlap, and the stages cost their own reads.</summary>
    public const int MinOps = 4;

    /// <summary>
    /// Reads the operations of <paramref name="requestFrame"/> and, from <see cref="MinOps"/> operations on, prefetches
    /// for those whose partitions are live in <paramref name="registry"/>. Reading the whole frame first also means a
    /// malformed frame throws <see cref="FormatException"/> here, before any of its operations ran, so it is refused
    /// whole and changes nothing. Returns each operation's partition, in order, in <paramref name="partitions"/> (rented
    /// from <see cref="ArrayPool{T}.Shared"/>, at least the frame's count long: the caller returns it).
    /// </summary>
    public static void Run(byte[] requestFrame, PartitionStoreRegistry registry, int partitionCount, out int[] partitions)
    {
        var reader = new OpFrameReader(requestFrame);
        int count = reader.Count;
        partitions = ArrayPool<int>.Shared.Rent(count);

        // A batch too small to prefetch is only read (its partitions, and the frame checked whole).
        var stores = count >= MinOps ? ArrayPool<PartitionStore?>.Shared.Rent(count) : null;
        var hashes = stores is null ? null : ArrayPool<ulong>.Shared.Rent(count);
        int read = 0;
        try
        {
            while (reader.TryRead(out var op, out _, out _))
            {
                int partition = PartitionHasher.GetPartition(op.Key, partitionCount);
                partitions[read] = partition;
                if (stores is not null)
                {
                    var store = registry.TryGet(partition);
                    CachePrefetch.Object(store);
                    stores[read] = store;
                    hashes![read] = RecordTable.HashKey(op.Key);
                }

                read++;
            }

            if (stores is null)
            {
                return;
            }

            for (int stage = 0; stage < PartitionStore.PrefetchStages; stage++)
            {
                for (int i = 0; i < read; i++)
                {
                    stores[i]?.Prefetch(stage, hashes![i]);
                }
            }
        }
        finally
        {
            if (stores is not null)
            {
                // The pool must not keep the stores alive.
                Array.Clear(stores, 0, read);
                ArrayPool<PartitionStore?>.Shared.Return(stores);
                ArrayPool<ulong>.Shared.Return(hashes!);
            }
        }
    }
}
