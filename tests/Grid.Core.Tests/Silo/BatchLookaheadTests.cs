using System.Buffers;
using System.Globalization;
using Grid.Core.Tests.Support;
using Grid.Grains.Partitions;
using Grid.Grains.Silo;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Silo;

/// <summary>
/// The silo's batch lookahead (<see cref="BatchLookahead"/>): it reads the request frame once, gives the batch's pass
/// each operation's partition, refuses a malformed frame before any operation ran, and works whether or not an
/// operation's partition is live on the silo.
/// </summary>
public sealed class BatchLookaheadTests
{
    private const int Partitions = 64;

    [Fact]
    public void Each_operation_gets_its_partition_live_here_or_not()
    {
        var registry = new PartitionStoreRegistry(Partitions);
        var clock = new GridClock(new FakeTimeProvider(StoreFixture.Start));
        registry.Register(new PartitionStore(PartitionOf("k1"), clock, new CountingAccount()));
        var keys = Enumerable.Range(0, 40).Select(i => "k" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var frame = OpFrame.Encode(keys.Select(k => new GridOp { Code = OpCode.Get, Key = StoreFixture.Bytes(k) }).ToArray());

        BatchLookahead.Run(frame, registry, Partitions, out int[] partitions);

        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(PartitionOf(keys[i]), partitions[i]);
        }

        ArrayPool<int>.Shared.Return(partitions);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(BatchLookahead.MinOps - 1)]
    public void A_batch_too_small_to_prefetch_still_gets_its_partitions(int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => "small" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var frame = OpFrame.Encode(keys.Select(k => new GridOp { Code = OpCode.Get, Key = StoreFixture.Bytes(k) }).ToArray());
        BatchLookahead.Run(frame, new PartitionStoreRegistry(Partitions), Partitions, out int[] partitions);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(PartitionOf(keys[i]), partitions[i]);
        }

        ArrayPool<int>.Shared.Return(partitions);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void A_frame_malformed_after_its_first_operations_is_refused_before_any_ran(int count)
    {
        // Writes first, then a damaged op: the whole frame is read before the batch's pass runs anything, so the silo
        // refuses the frame whole instead of applying its first operations and then failing (small batches too).
        var ops = Enumerable.Range(0, count).Select(i => new GridOp { Code = OpCode.Set, Key = [(byte)('a' + i)], Value = [1, 2, 3] }).ToArray();
        var frame = OpFrame.Encode(ops);
        var truncated = frame.AsSpan(0, frame.Length - 5).ToArray();
        Assert.Throws<FormatException>(() => BatchLookahead.Run(truncated, new PartitionStoreRegistry(Partitions), Partitions, out _));
    }

    private static int PartitionOf(string key) => PartitionHasher.GetPartition(StoreFixture.Bytes(key), Partitions);
}
